/* fixture_names.c - which account and region a fixture names (see names.h). */
#include "names.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

void gfi_fixture_names(const char *json, size_t len, char account_id[13],
                       char region[GFI_NAMED_REGION_SIZE])
{
  account_id[0] = region[0] = '\0';
  cJSON *root = json ? cJSON_ParseWithLength(json, len) : NULL;
  const cJSON *account = cJSON_GetObjectItemCaseSensitive(root, "account_id");
  const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "region");
  if (cJSON_IsString(account) && gfi_valid_account_id(account->valuestring))
    memcpy(account_id, account->valuestring, 13);
  if (cJSON_IsString(name))
    snprintf(region, GFI_NAMED_REGION_SIZE, "%s", name->valuestring);
  cJSON_Delete(root);
}
