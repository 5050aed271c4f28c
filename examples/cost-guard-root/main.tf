# A root configuration that guards two periods with the cost-guard module: the month so far,
# and the whole of last month. The provider is configured here, once, with the currency its
# messages state; the module inherits it. With dev_overrides (no terraform init), install the
# local module with `terraform get` first.

terraform {
  required_version = ">= 1.8"
  required_providers {
    guance = {
      source = "guance-finops/guance"
    }
  }
}

# The token comes from GUANCE_ACCESS_TOKEN; with region null, the site comes from
# GUANCE_REGION (or GUANCE_ENDPOINT).
provider "guance" {
  region   = var.region
  currency = var.currency
}

locals {
  # The billing day the guard runs as of: as_of, or the plan's own day.
  today = coalesce(var.as_of, plantimestamp())
}

module "this_month" {
  source = "../cost-guard"

  name              = "this month"
  as_of             = var.as_of
  billing_time_zone = var.billing_time_zone
  monthly_budget    = var.monthly_budget
}

# Last month, whole: its last day as as_of. It is complete, so the forecast has no days left
# and equals what was spent.
module "last_month" {
  source = "../cost-guard"

  name              = "last month"
  as_of             = provider::guance::billing_period("last_month", local.today, var.billing_time_zone).end_date
  billing_time_zone = var.billing_time_zone
  monthly_budget    = var.monthly_budget
}
