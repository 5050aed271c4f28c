# Pacing and retries, for a key shared by several pipelines: send at most 10 requests a
# minute, try each read up to 5 times, and wait at most 2 minutes in all between tries.
provider "guance" {
  region              = "frankfurt"
  requests_per_minute = 10
  max_attempts        = 5
  max_retry_wait      = "2m"
}
