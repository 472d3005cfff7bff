# dist: systemd units for cvd's services (issue 13) and the user they run as, installed by
# make install with the paths configure chose (@bindir@, @sysconfdir@ filled in).
systemdunitdir = $(prefix)/lib/systemd/system
sysusersdir = $(prefix)/lib/sysusers.d
systemdunit_DATA = dist/cvd-server.service dist/cvd-site.service
sysusers_DATA = dist/cvd.conf
EXTRA_DIST += dist/cvd-server.service.in dist/cvd-site.service.in dist/cvd.sysusers
CLEANFILES += $(systemdunit_DATA) dist/cvd.conf

dist_edit = sed -e 's|@bindir[@]|$(bindir)|g' -e 's|@sysconfdir[@]|$(sysconfdir)|g'
dist/cvd-server.service: $(srcdir)/dist/cvd-server.service.in Makefile
	@$(MKDIR_P) dist
	$(AM_V_GEN)$(dist_edit) $(srcdir)/dist/cvd-server.service.in > $@.tmp && mv $@.tmp $@
dist/cvd-site.service: $(srcdir)/dist/cvd-site.service.in Makefile
	@$(MKDIR_P) dist
	$(AM_V_GEN)$(dist_edit) $(srcdir)/dist/cvd-site.service.in > $@.tmp && mv $@.tmp $@

dist/cvd.conf: $(srcdir)/dist/cvd.sysusers
	@$(MKDIR_P) dist
	$(AM_V_GEN)cp $(srcdir)/dist/cvd.sysusers $@
