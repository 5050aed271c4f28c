# A cost guard: reads the workspace's billing for the month so far and blocks the plan when
# spending is over a budget, warning first when it nears one, and blocks it too when the
# account's balance falls below a floor. The period comes from plantimestamp(), which is known
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

# The token and site come from GUANCE_ACCESS_TOKEN and GUANCE_REGION (or GUANCE_ENDPOINT).
provider "guance" {}

locals {
  # The month so far on the billing day of the plan's timestamp. as_of is already a billing
  # day, so it is read as midnight UTC in UTC, where no offset can move it to another day.
  period = (var.as_of == null
    ? provider::guance::billing_period("month_to_date", plantimestamp(), var.billing_time_zone)
    : provider::guance::billing_period("month_to_date", "${var.as_of}T00:00:00Z", "UTC")
  )
  period_text = "from ${local.period.start_date} to ${local.period.end_date}"

  spend         = data.guance_billing_details.month.total_billing_result
  product_spend = { for product, budget in var.product_budgets : product => lookup(data.guance_billing_details.month.totals_by_product, product, 0) }

  # Shares of the budgets in percent, rounded down to a tenth. Terraform's own arithmetic is
  # binary, so a difference such as budget - spend could print as 12043.910000…0001.
  used_percent         = floor(local.spend / var.monthly_budget * 1000) / 10
  product_used_percent = { for product, budget in var.product_budgets : product => floor(local.product_spend[product] / budget * 1000) / 10 }
}

# Only the totals are used, so the records are left out of the plan and the state.
data "guance_billing_details" "month" {
  start_date      = local.period.start_date
  end_date        = local.period.end_date
  include_records = false

  lifecycle {
    postcondition {
      condition     = self.total_billing_result <= var.monthly_budget
      error_message = "Guance spending ${local.period_text} is ${self.total_billing_result} CNY, over the monthly budget of ${var.monthly_budget} CNY."
    }
    postcondition {
      condition = alltrue([
        for product, budget in var.product_budgets : lookup(self.totals_by_product, product, 0) <= budget
      ])
      error_message = "Guance spending ${local.period_text} is over a product budget: ${join("; ", [
        for product, budget in var.product_budgets :
        "${product} has cost ${lookup(self.totals_by_product, product, 0)} CNY, over its budget of ${budget} CNY"
        if lookup(self.totals_by_product, product, 0) > budget
      ])}."
    }
  }
}

# What the account can still pay with: spending within budget is no help when the account
# cannot pay for it.
data "guance_billing_balance" "account" {
  lifecycle {
    postcondition {
      condition     = self.total_balance >= var.balance_floor
      error_message = "The Guance account balance is ${self.total_balance} CNY, below the floor of ${var.balance_floor} CNY: top up the account, or lower balance_floor."
    }
  }
}

# A failed check only warns: the plan still succeeds. It gives notice before the
# postconditions above block plans.
check "budget_threshold" {
  assert {
    condition     = local.spend <= var.warn_at_ratio * var.monthly_budget
    error_message = "Guance spending ${local.period_text} is ${local.spend} CNY, ${local.used_percent}% of the monthly budget of ${var.monthly_budget} CNY (the warning threshold is ${var.warn_at_ratio * 100}%)."
  }
  assert {
    condition = alltrue([for product, budget in var.product_budgets : local.product_spend[product] <= var.warn_at_ratio * budget])
    error_message = "Guance products near their budgets: ${join("; ", [
      for product, budget in var.product_budgets :
      "${product} has cost ${local.product_spend[product]} CNY, ${local.product_used_percent[product]}% of its budget of ${budget} CNY"
      if local.product_spend[product] > var.warn_at_ratio * budget
    ])}."
  }
}
