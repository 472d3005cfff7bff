/* The HTML pages' paths (web/webint.h). */
#include "config.h"

#include "web/webint.h"

const struct web_route web_page_routes[] = {
    {"/", web_page_grid},
    {NULL, NULL},
};
