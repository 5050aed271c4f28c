# A cost guard: one guance_billing_budget for the calendar month, decided by the provider while
# planning. A block finding (by default, the month so far over the budget) fails the plan
# with the budget's own message; a warn finding (a threshold near it, a forecast over it, a
# product's daily limit) fails a check block, which warns and lets the plan go on. The month
# comes from plantimestamp(), which is known while planning, so the guard decides before
# anything is applied. (timestamp() is unknown until apply: it would defer the read past the
# decision.)

terraform {
  required_version = ">= 1.8"
  required_providers {
    guance = {
      source = "guance-finops/guance"
    }
  }
}

# A module configures no provider: the caller does (see examples/cost-guard-root), or,
# planned as a root module itself, Terraform configures it empty, from GUANCE_ACCESS_TOKEN,
# GUANCE_REGION (or GUANCE_ENDPOINT) and GUANCE_CURRENCY.

locals {
  # The whole calendar month holding as_of, or the plan's own billing day.
  month = provider::guance::billing_period("month", coalesce(var.as_of, plantimestamp()), var.billing_time_zone)
}

# The decision: every figure and threshold is computed by the provider, exactly; this module
# only acts on its status.
data "guance_billing_budget" "month" {
  name               = var.name
  start_date         = local.month.start_date
  end_date           = local.month.end_date
  as_of              = var.as_of
  time_zone          = var.billing_time_zone
  lookback_days      = var.forecast_lookback_days
  amount             = var.monthly_budget
  product_amounts    = var.product_budgets
  thresholds         = var.thresholds
  daily_limits       = var.daily_limits
  daily_limit_action = var.daily_limit_action
  min_runway_days    = var.min_runway_days

  lifecycle {
    # Terraform evaluates error_message even when the condition holds, and block_message is
    # null then: coalesce gives it a value it never shows.
    postcondition {
      condition     = self.status != "block"
      error_message = coalesce(self.block_message, "no block finding")
    }
  }
}

# A failed check only warns: the plan goes on. It asks for no warn finding rather than for a
# status other than warn, so that a blocked plan shows its warnings too.
check "budget" {
  assert {
    condition     = length([for finding in data.guance_billing_budget.month.findings : finding if finding.action == "warn"]) == 0
    error_message = coalesce(data.guance_billing_budget.month.warn_message, "no warn finding")
  }
}
