/* csv.h — the CSV service: reading a whole file into rows with their line numbers (libcsv), and writing RFC 4180 cells. */
#ifndef ORDERSYNC_CSV_H
#define ORDERSYNC_CSV_H

#include <stddef.h>

#include "util.h"

struct i18n;

#define CSV_MAX_ROWS	100000	/* data rows a file may hold (the header not counted) */
#define CSV_MAX_FIELDS	32	/* fields a record may have: bounds the memory a file costs */
#define CSV_MAX_ISSUES	200	/* issues kept; the count goes on (csv_issues.total) */

/*
 * One problem with a file, for a person: the line it is on (the header is
 * line 1; 0 for the file as a whole), a locale key under "csv.errors."
 * ("utf8", "missing_column", …) and up to two values its text names as
 * {arg} and {arg2} (a column, a SKU, a count; NULL when unused).
 */
struct csv_issue {
	size_t		 line;
	const char	*code;		/* static */
	char		*arg;		/* owned */
	char		*arg2;		/* owned */
};

/* The issues found, in line order as found; release with csv_issues_free(). */
struct csv_issues {
	struct csv_issue	*v;
	size_t			 n, cap;
	size_t			 total;	/* how many were found, kept or not */
};

/* Appends an issue (args copied, either may be NULL); past CSV_MAX_ISSUES only counts it. */
void	csv_issue_add(struct csv_issues *is, size_t line, const char *code,
	    const char *arg, const char *arg2);
/* Frees what is holds and zeroes it; safe on a zeroed struct. */
void	csv_issues_free(struct csv_issues *is);
/*
 * The issue in words for lang: the locale text "csv.errors.CODE" with
 * {arg} and {arg2} filled (i18n_fill()). A new string; the caller frees it.
 */
char	*csv_issue_text(const struct i18n *in, const char *lang, const struct csv_issue *e);

/* One record: its fields (owned, NUL-terminated) and the line it starts on. */
struct csv_row {
	size_t	  line;
	char	**field;
	size_t	  nfield;
};

/* A parsed file: rows[0] is the header; sep is ',' or ';' as detected. */
struct csv_doc {
	struct csv_row	*row;
	size_t		 nrow, cap;
	char		 sep;
};

/*
 * Reads len bytes of CSV: UTF-8 with or without a byte-order mark, fields
 * separated by ',' or ';' (whichever the first line has more of, outside
 * quotes; ',' on a tie), records ended by LF, CRLF or a lone CR (each a
 * line for the numbering, inside quotes too), RFC 4180 quoting (a
 * quoted field may hold separators, doubled quotes and line breaks: its row
 * then ends on a later line, and the next one starts there). Unquoted
 * fields lose their surrounding spaces and tabs. Lines with no content, and
 * records whose every field is empty (a spreadsheet's trailing ";;;;"), are
 * skipped. Refused, each named by its line in issues: a NUL byte, bytes
 * that are not UTF-8 (every such line is listed), a broken quote, more than
 * max_rows data rows (max_rows 0: CSV_MAX_ROWS), a record of more than
 * CSV_MAX_FIELDS fields ("too_wide"), an empty file.
 * Returns 0 and fills doc (release with csv_doc_free()), or -1 with
 * issues filled and doc empty.
 */
int	csv_parse_doc(const char *data, size_t len, size_t max_rows,
	    struct csv_doc *doc /* OUT */, struct csv_issues *issues /* OUT: appended */);
/* Frees the rows; safe on a zeroed struct. */
void	csv_doc_free(struct csv_doc *doc);

/*
 * Finds each of the n wanted column names in doc's header (exact match,
 * case-insensitive ASCII): col[i] is its index, or -1 when absent. A
 * column the header lacks that is required[i] is an issue
 * ("missing_column"); a header name not in names is "unknown_column"; one
 * given twice "duplicate_column" (all on line 1). Returns the number of
 * issues added (0: the header is good).
 */
int	csv_columns(const struct csv_doc *doc, const char *const *names,
	    const int *required, size_t n, int *col /* OUT: n entries */,
	    struct csv_issues *issues);

/*
 * Appends one cell to b as RFC 4180 writes it, for separator sep: quoted
 * when it holds sep, a quote, CR or LF or starts or ends with a space or tab,
 * its quotes doubled. Formula protection (OWASP "CSV injection"): text that
 * starts with '=', '+', '-', '@', a tab or CR is written after a "'" so a
 * spreadsheet shows it instead of running it; pass plain=1 for cells that
 * are numbers the program wrote (a negative amount keeps its sign).
 */
void	csv_put_cell(struct buf *b, const char *s, char sep, int plain);
/* Appends n cells and the CRLF that ends a record. */
void	csv_put_row(struct buf *b, const char *const *cells, size_t n, char sep);
/* "semicolon" (or ";") → ';'; anything else, NULL included → ','. */
char	csv_sep_named(const char *name);

#endif
