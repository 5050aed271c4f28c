# A cost guard: reads the workspace's billing for the month so far and blocks the plan when
# spending is over a budget, warning first when it nears one. The period comes from
# plantimestamp(), which is known while planning, so the guard decides before anything is
# applied. (timestamp() is unknown until apply: it would defer the read past the decision.)

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
  as_of      = coalesce(var.as_of, formatdate("YYYY-MM-DD", timeadd(plantimestamp(), var.utc_offset)))
  month_from = "${substr(local.as_of, 0, 8)}01"
  period     = "${local.month_from} to ${local.as_of}"

  spend         = data.guance_billing_details.month.total_billing_result
  product_spend = { for product, budget in var.product_budgets : product => lookup(data.guance_billing_details.month.totals_by_product, product, 0) }

  # Shares of the budgets in percent, rounded down to a tenth. Terraform's own arithmetic is
  # binary, so a difference such as budget - spend could print as 12043.910000…0001.
  used_percent         = floor(local.spend / var.monthly_budget * 1000) / 10
  product_used_percent = { for product, budget in var.product_budgets : product => floor(local.product_spend[product] / budget * 1000) / 10 }
}

data "guance_billing_details" "month" {
  start_date = local.month_from
  end_date   = local.as_of

  lifecycle {
    postcondition {
      condition     = self.total_billing_result <= var.monthly_budget
      error_message = "Guance spending from ${local.month_from} to ${local.as_of} is ${self.total_billing_result} CNY, over the monthly budget of ${var.monthly_budget} CNY."
    }
    postcondition {
      condition = alltrue([
        for product, budget in var.product_budgets : lookup(self.totals_by_product, product, 0) <= budget
      ])
      error_message = "Guance spending from ${local.month_from} to ${local.as_of} is over a product budget: ${join("; ", [
        for product, budget in var.product_budgets :
        "${product} has cost ${lookup(self.totals_by_product, product, 0)} CNY, over its budget of ${budget} CNY"
        if lookup(self.totals_by_product, product, 0) > budget
      ])}."
    }
  }
}

# A failed check only warns: the plan still succeeds. It gives notice before the
# postconditions above block plans.
check "budget_threshold" {
  assert {
    condition     = local.spend <= var.warn_at_ratio * var.monthly_budget
    error_message = "Guance spending from ${local.month_from} to ${local.as_of} is ${local.spend} CNY, ${local.used_percent}% of the monthly budget of ${var.monthly_budget} CNY (the warning threshold is ${var.warn_at_ratio * 100}%)."
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
