# The staff pages (issue 11): sources added to web/libweb.a, static files, browser tests.
web_libweb_a_SOURCES += \
	web/html.c web/html.h \
	web/page_clock.c \
	web/page_events.c \
	web/page_pair.c \
	web/page_report.c \
	web/page_static.c

# The files served under /static/, embedded into the binary as C arrays by web/embed.awk.
# web/static_data.c is made in the build directory (VPATH builds, distcheck), from the
# files listed here; its object depends on it, so it is made before it is compiled.
web_static_files = \
	$(srcdir)/web/static/LICENSE.uPlot \
	$(srcdir)/web/static/cvd.css \
	$(srcdir)/web/static/cvd.js \
	$(srcdir)/web/static/uPlot.iife.min.js \
	$(srcdir)/web/static/uPlot.min.css
nodist_web_libweb_a_SOURCES = web/static_data.c
web/static_data.c: $(srcdir)/web/embed.awk $(web_static_files)
	@$(MKDIR_P) web
	$(AM_V_GEN)LC_ALL=C $(AWK) -f $(srcdir)/web/embed.awk $(web_static_files) >$@.tmp && mv $@.tmp $@
CLEANFILES += web/static_data.c
EXTRA_DIST += web/embed.awk \
	web/static/LICENSE.uPlot web/static/cvd.css web/static/cvd.js \
	web/static/uPlot.iife.min.js web/static/uPlot.min.css

# Browser tests in headless Chromium (playwright-core from package.json): skipped when
# chromium or node_modules/playwright-core is absent.
TESTS += tests/test_browser.sh
EXTRA_DIST += tests/test_browser.sh tests/browser/pages.mjs tests/browser/screenshots.mjs \
	package.json package-lock.json
CLEANFILES += -r tests/browser-shots
