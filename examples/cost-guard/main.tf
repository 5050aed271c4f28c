# A cost guard: reads the workspace's billing for the month so far and fails the plan when
# spending is over budget. The period comes from plantimestamp(), so it is known while
# planning and the guard decides before anything is applied.

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

variable "monthly_budget" {
  description = "The most the workspace may spend in a calendar month, in CNY."
  type        = number
  default     = 100000
}

variable "product_budgets" {
  description = "Monthly budgets per billed item (product_detail), in CNY."
  type        = map(number)
  default = {
    "Log"            = 50000
    "Session Replay" = 10000
  }
}

locals {
  # Guance bills by the day of its China sites (UTC+8).
  today      = formatdate("YYYY-MM-DD", timeadd(plantimestamp(), "8h"))
  month_from = formatdate("YYYY-MM-01", timeadd(plantimestamp(), "8h"))
}

data "guance_billing_details" "month" {
  start_date = local.month_from
  end_date   = local.today

  lifecycle {
    postcondition {
      condition     = self.total_billing_result <= var.monthly_budget
      error_message = "Guance spending from ${local.month_from} to ${local.today} is ${self.total_billing_result} CNY, over the monthly budget of ${var.monthly_budget} CNY."
    }
    postcondition {
      condition = alltrue([
        for product, budget in var.product_budgets : lookup(self.totals_by_product, product, 0) <= budget
      ])
      error_message = join("; ", [
        for product, budget in var.product_budgets :
        "${product} has spent ${lookup(self.totals_by_product, product, 0)} CNY, over its budget of ${budget} CNY"
        if lookup(self.totals_by_product, product, 0) > budget
      ])
    }
  }
}

output "period" {
  value = "${local.month_from} to ${local.today}"
}

output "total_billing_result" {
  description = "What the month has cost so far, in CNY (exact)."
  value       = data.guance_billing_details.month.total_billing_result
}

output "totals_by_product" {
  value = data.guance_billing_details.month.totals_by_product
}
