# Man pages and the operator's guide.

dist_man_MANS += doc/cvd-stability.1
