/* app.c — the process-wide state's caches: made before the accept loop, freed after it. */
#include <stdlib.h>

#include "admin_view.h"
#include "app.h"
#include "auth.h"
#include "feed.h"

void
app_caches_new(struct app *app)
{
	app->auth = xcalloc(1, sizeof *app->auth);
	app->feed = xcalloc(1, sizeof *app->feed);
	app->admin = admin_cache_new();
}

void
app_caches_free(struct app *app)
{
	free(app->auth);
	free(app->feed);
	admin_cache_free(app->admin);
	app->auth = NULL;
	app->feed = NULL;
	app->admin = NULL;
}
