# The staff pages (issue 11): sources added to web/libweb.a, static files, browser tests.
