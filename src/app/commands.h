/*
 * commands.h - the subcommands of the mirrorsense CLI and the exit codes
 * they share, so that scripts can tell outcomes apart.
 */
#ifndef MS_APP_COMMANDS_H
#define MS_APP_COMMANDS_H

/* Exit codes (sysexits.h values for usage and input errors). */
enum {
	EXIT_OK = 0,
	EXIT_WARN = 1,       /* verify: something warned */
	EXIT_FAILED = 2,     /* verify: something failed */
	EXIT_USAGE = 64,     /* bad command line */
	EXIT_DATAERR = 65,   /* input is not a capture / unreadable content */
	EXIT_NOINPUT = 66,   /* input file or interface missing */
	EXIT_SOFTWARE = 70,  /* internal error (out of memory, ...) */
	EXIT_OSERR = 71,     /* system call failed (socket, permissions) */
	EXIT_IOERR = 74,     /* output could not be written */
};

struct command {
	const char *name;
	int (*run)(int argc, char **argv); /* argv[0] is the command name */
	const char *summary;
};

/* One line per command in main.c's table; each lives in src/app/cmd_NAME.c. */
int cmd_read(int argc, char **argv);
int cmd_live(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_mirror(int argc, char **argv);
int cmd_inventory(int argc, char **argv);

#endif
