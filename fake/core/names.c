/* names.c - the rules for account ids and region names (see names.h). */
#include "names.h"

#include <string.h>

int gfi_valid_account_id(const char *id)
{
  return id && strlen(id) == 12 && strspn(id, "0123456789") == 12;
}

int gfi_valid_region(const char *region)
{
  size_t len = region ? strlen(region) : 0;
  return len >= 1 && len <= GFI_REGION_MAX && region[0] >= 'a' && region[0] <= 'z' &&
         region[len - 1] != '-' &&
         strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789-") == len;
}
