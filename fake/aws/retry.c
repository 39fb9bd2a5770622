/* retry.c - the standard retry mode's rules (see retry.h). */
#include "retry.h"

int gfi_retry_retryable(gf_status status, int http_status)
{
  if (status != GF_TRANSPORT && http_status == 0)
    return 0;
  return gf_status_retry(status) != GF_RETRY_NEVER || http_status == 500 ||
         http_status == 502 || http_status == 503 || http_status == 504;
}

int gfi_retry_quota_acquire(gfi_retry_quota *quota, int after_timeout)
{
  int cost = after_timeout ? GFI_RETRY_TIMEOUT_COST : GFI_RETRY_COST;
  if (quota->tokens < cost)
    return 0;
  quota->tokens -= cost;
  return cost;
}

void gfi_retry_quota_refund(gfi_retry_quota *quota, int last_cost)
{
  quota->tokens += last_cost ? last_cost : GFI_RETRY_SUCCESS_REFUND;
  if (quota->tokens > GFI_RETRY_QUOTA)
    quota->tokens = GFI_RETRY_QUOTA;
}

double gfi_retry_delay(unsigned failed_attempt, double random)
{
  double ceiling = 1.0;
  for (unsigned i = 1; i < failed_attempt && ceiling < GFI_RETRY_MAX_BACKOFF; i++)
    ceiling *= 2.0;
  if (ceiling > GFI_RETRY_MAX_BACKOFF)
    ceiling = GFI_RETRY_MAX_BACKOFF;
  return random * ceiling;
}
