/* The HTML pages' paths (web/webint.h), and the static files they use (web/html.h). */
#include "config.h"

#include "web/html.h"
#include "web/webint.h"

const struct web_route web_page_routes[] = {
    {"/", web_page_grid},
    {"/pair", web_page_pair},
    {"/clock", web_page_clock},
    {"/events", web_page_events},
    {"/report", web_page_report},
    {"/static/uPlot.iife.min.js", web_static_uplot_js},
    {"/static/uPlot.min.css", web_static_uplot_css},
    {"/static/LICENSE.uPlot", web_static_uplot_license},
    {"/static/cvd.js", web_static_cvd_js},
    {"/static/cvd.css", web_static_cvd_css},
    {NULL, NULL},
};
