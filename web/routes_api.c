/* The read API's paths (web/webint.h). */
#include "config.h"

#include "web/webint.h"

const struct web_route web_api_routes[] = {
    {"/api/v1/grid", web_api_grid},
    {"/api/v1/series", web_api_series},
    {"/api/v1/steering", web_api_steering},
    {"/api/v1/events", web_api_events},
    {"/metrics", web_metrics},
    {NULL, NULL},
};
