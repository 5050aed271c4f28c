# A cost guard: reads the workspace's billing for the month so far and blocks the plan when
# spending is over a budget, warning first when it nears one, when the month is forecast to
# end over it, when yesterday cost far more than the days before, or when a budget names an
# item that was not billed; it blocks the plan too when the account's balance falls below a
# floor. The period comes from plantimestamp(), which is known
# while planning, so the guard decides before anything is applied. (timestamp() is unknown
# until apply: it would defer the read past the decision.)

terraform {
  required_version = ">= 1.8"
  required_providers {
    guance = {
      source = "guance-finops/guance"
    }
  }
}

# A module configures no provider: the caller does (see examples/cost-guard-root), or,
# planned as a root module itself, Terraform configures it empty, from GUANCE_ACCESS_TOKEN
# and GUANCE_REGION (or GUANCE_ENDPOINT).

locals {
  # The month so far on the billing day of the plan's timestamp, or up to as_of, a plain
  # date that is that billing day itself.
  period = provider::guance::billing_period("month_to_date", coalesce(var.as_of, plantimestamp()), var.billing_time_zone)
  # Amounts print with the currency after them, or bare when currency is "".
  unit        = var.currency == "" ? "" : " ${var.currency}"
  period_text = "from ${local.period.start_date} to ${local.period.end_date}"
  # The month's last day, for the forecast: 32 days after the 1st is always in the next
  # month, whose 1st is one day after it.
  month_end = formatdate("YYYY-MM-DD", timeadd(formatdate("YYYY-MM-'01T00:00:00Z'", timeadd("${local.period.start_date}T00:00:00Z", "768h")), "-24h"))

  spend         = data.guance_billing_details.month.total_billing_result
  product_spend = { for product, budget in var.product_budgets : product => lookup(data.guance_billing_details.month.totals_by_product, product, 0) }

  # Shares of the budgets in percent, rounded down to a tenth. Terraform's own arithmetic is
  # binary, so a difference such as budget - spend could print as 12043.910000…0001.
  used_percent         = floor(local.spend / var.monthly_budget * 1000) / 10
  product_used_percent = { for product, budget in var.product_budgets : product => floor(local.product_spend[product] / budget * 1000) / 10 }
  # warn_at_ratio in percent, to a thousandth: 0.3 * 100 alone would print as 30.000…0002.
  warn_percent = floor(var.warn_at_ratio * 100000 + 0.5) / 1000
}

# Only the totals are used, so the records are left out of the plan and the state.
data "guance_billing_details" "month" {
  start_date      = local.period.start_date
  end_date        = local.period.end_date
  include_records = false

  lifecycle {
    postcondition {
      condition     = self.total_billing_result <= var.monthly_budget
      error_message = "Guance spending ${local.period_text} is ${self.total_billing_result}${local.unit}, over the monthly budget of ${var.monthly_budget}${local.unit}."
    }
    postcondition {
      condition = alltrue([
        for product, budget in var.product_budgets : lookup(self.totals_by_product, product, 0) <= budget
      ])
      error_message = "Guance spending ${local.period_text} is over a product budget: ${join("; ", [
        for product, budget in var.product_budgets :
        "${product} has cost ${lookup(self.totals_by_product, product, 0)}${local.unit}, over its budget of ${budget}${local.unit}"
        if lookup(self.totals_by_product, product, 0) > budget
      ])}."
    }
  }
}

# Where the month is heading: the complete days so far (up to as_of, or yesterday) at the
# run rate of the last lookback days, carried to the month's end. With as_of set it reads the
# same days as the read above, so both share one request.
data "guance_billing_forecast" "month" {
  start_date    = local.period.start_date
  end_date      = local.month_end
  as_of         = var.as_of
  time_zone     = var.billing_time_zone
  lookback_days = var.forecast_lookback_days
}

# What the account can still pay with: spending within budget is no help when the account
# cannot pay for it.
data "guance_billing_balance" "account" {
  lifecycle {
    postcondition {
      condition     = self.total_balance >= var.balance_floor
      error_message = "The Guance account balance is ${self.total_balance}${local.unit}, below the floor of ${var.balance_floor}${local.unit}: top up the account, or lower balance_floor."
    }
  }
}

# A failed check only warns: the plan still succeeds. It gives notice before the
# postconditions above block plans.
check "budget_threshold" {
  assert {
    condition     = local.spend <= var.warn_at_ratio * var.monthly_budget
    error_message = "Guance spending ${local.period_text} is ${local.spend}${local.unit}, ${local.used_percent}% of the monthly budget of ${var.monthly_budget}${local.unit} (the warning threshold is ${local.warn_percent}%)."
  }
  assert {
    condition = alltrue([for product, budget in var.product_budgets : local.product_spend[product] <= var.warn_at_ratio * budget])
    error_message = "Guance products near their budgets: ${join("; ", [
      for product, budget in var.product_budgets :
      "${product} has cost ${local.product_spend[product]}${local.unit}, ${local.product_used_percent[product]}% of its budget of ${budget}${local.unit}"
      if local.product_spend[product] > var.warn_at_ratio * budget
    ])}."
  }
}

# A forecast warns: it is a projection, not money spent. Before a day of the month is
# complete (on the 1st, without as_of) the forecast is null, and with no day before the latest
# one the ratio is null; both then pass, and zeros stand in for them in the messages, which
# Terraform evaluates even when an assertion passes.
check "forecast" {
  assert {
    condition     = local.forecast.total <= var.monthly_budget
    error_message = "At the run rate of the last ${var.forecast_lookback_days} days (${local.forecast.rate}${local.unit} a day), Guance spending from ${local.period.start_date} to ${local.month_end} is forecast at ${local.forecast.total}${local.unit}, over the monthly budget of ${var.monthly_budget}${local.unit}: ${data.guance_billing_forecast.month.actual_billing_result}${local.unit} up to ${data.guance_billing_forecast.month.as_of}, ${data.guance_billing_forecast.month.days_remaining} days to go."
  }
  assert {
    condition     = local.forecast.latest_ratio <= var.spike_ratio
    error_message = "Guance spending on ${data.guance_billing_forecast.month.as_of} was ${local.forecast.latest}${local.unit}, ${local.forecast.latest_ratio} times the daily mean of the ${var.forecast_lookback_days} days before it (the spike threshold is ${var.spike_ratio})."
  }
}

# A budget key that was never billed looks like a budget kept: lookup() gives 0 and the
# guard never fires. An item may just not be billed yet, so this warns rather than blocks.
check "budget_keys" {
  assert {
    condition     = length(local.unbilled_budget_keys) == 0
    error_message = "product_budgets names items with no bill ${local.period_text}: ${join(", ", [for key in local.unbilled_budget_keys : "\"${key}\""])}. A misspelt key never trips its budget; the items billed are ${join(", ", data.guance_billing_details.month.billed_product_details)}."
  }
}

locals {
  forecast = {
    total        = coalesce(data.guance_billing_forecast.month.forecast_billing_result, 0)
    rate         = coalesce(data.guance_billing_forecast.month.daily_run_rate, 0)
    latest       = coalesce(data.guance_billing_forecast.month.latest_day_billing_result, 0)
    latest_ratio = coalesce(data.guance_billing_forecast.month.latest_day_ratio, 0)
  }
  unbilled_budget_keys = sort(setsubtract(keys(var.product_budgets), data.guance_billing_details.month.billed_product_details))
}
