/* ctl.h — ordersyncctl commands implemented outside ctl.c. */
#ifndef ORDERSYNC_CTL_H
#define ORDERSYNC_CTL_H

/*
 * ordersyncctl render TEMPLATE [DATA.json] [--partials DIR]
 *
 * Renders the template file TEMPLATE against the JSON data read from
 * DATA.json, or from standard input when it is absent, and writes the page
 * to standard output. Partials and parents are read from DIR/NAME.mustache
 * (default: TEMPLATE's own directory); a missing one is an error. argv[0] is
 * "render". Returns the exit status: 0 on success; 1 when the template or
 * data cannot be read, the data is not valid JSON, or rendering fails
 * (message on stderr as FILE:LINE:COL: MESSAGE); 2 on a usage error.
 */
int	ctl_render(int argc, char **argv);

#endif
