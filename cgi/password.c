/* password.c — the password rules (length, the most common passwords), Argon2id hashing, set-password link tokens. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "password.h"
#include "valid.h"

/*
 * The most common passwords of leaked lists that a length rule alone lets
 * through (10 characters or more), and a few shorter ones for the record.
 * Compared case-insensitively.
 */
static const char *const common[] = {
	"1234567890", "0123456789", "0987654321", "12345678910", "123456789a",
	"1234567890a", "123456789q", "a123456789", "q123456789", "1q2w3e4r5t",
	"1q2w3e4r5t6y", "q1w2e3r4t5", "q1w2e3r4t5y6", "1qaz2wsx3edc", "zaq12wsx",
	"qwertyuiop", "qwertyuiop1", "qwertyuiop123", "qwerty1234", "qwerty12345",
	"qwerty123456", "asdfghjkl1", "asdfghjkl123", "zxcvbnm123", "azertyuiop",
	"azerty1234", "azerty12345", "azerty123456", "password1", "password12",
	"password123", "password1234", "password12345", "passw0rd123", "p@ssw0rd123",
	"motdepasse", "motdepasse1", "motdepasse123", "administrator", "administrateur",
	"admin12345", "admin123456", "adminadmin", "welcome123", "welcome1234",
	"iloveyou123", "iloveyou12", "jetaime123", "letmein123", "changeme123",
	"1111111111", "2222222222", "5555555555", "7777777777", "8888888888",
	"9999999999", "0000000000", "1212121212", "1231231234", "1122334455",
	"1234512345", "1234554321", "1234567891", "9876543210", "abcdefghij",
	"abcd123456", "abc1234567", "abcdef1234", "football123", "baseball123",
	"basketball", "starwars123", "princess123", "sunshine123", "superman123",
	"batman1234", "dragon1234", "monkey1234", "master1234", "shadow1234",
	"trustno1234", "whatever12", "michael123", "jennifer12", "computer12",
	"internet123", "samsung123", "liverpool1", "chocolate1", "soleil1234",
	"doudou1234", "loulou1234", "marseille13", "bonjour123", "nicolas123",
	"password", "123456789", "12345678", "azerty", "qwerty",
	"ordersync123", "shop123456",
};

int
password_is_common(const char *pw)
{
	size_t i;

	for (i = 0; pw != NULL && i < sizeof common / sizeof common[0]; i++)
		if (strcasecmp(pw, common[i]) == 0)
			return 1;
	return 0;
}

const char *
password_check(const char *pw)
{
	size_t nchars = 0;

	if (pw == NULL || strlen(pw) > PASSWORD_MAX || !valid_utf8(pw, 1, &nchars) ||
	    nchars < PASSWORD_MIN)
		return "password.errors.short";
	if (password_is_common(pw))
		return "password.errors.common";
	return NULL;
}

int
password_hash(const char *pw, char out[PASSWORD_HASH_MAX])
{
	_Static_assert(crypto_pwhash_STRBYTES <= PASSWORD_HASH_MAX, "hash size");
	if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return -1;
	return 0;
}
