# Man pages and the operator's guide.

dist_man_MANS += doc/cvd-stability.1
dist_man_MANS += doc/cvd-osc.5
dist_man_MANS += doc/cvd-receiver.5
dist_man_MANS += doc/cvd-tic.5
dist_man_MANS += doc/cvd.1 doc/cvd-demo.1 doc/cvd-simulate.1 doc/cvd-calibrate.1
dist_man_MANS += doc/cvd-site.8 doc/cvd-server.8
