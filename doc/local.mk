# Man pages and the operator's guide.

dist_man_MANS += doc/cvd-stability.1
dist_man_MANS += doc/cvd-osc.5
dist_man_MANS += doc/cvd-receiver.5
dist_man_MANS += doc/cvd-tic.5
