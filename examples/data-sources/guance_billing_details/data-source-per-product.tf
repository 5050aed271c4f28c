# A budget per billed item: totals_by_product maps each product_detail to its exact spend.
# Items that have not been billed in the period are absent from the map, so look them up
# with a default of 0.
variable "product_budgets" {
  type = map(number)
  default = {
    "Log"            = 50000
    "Session Replay" = 10000
  }
}

data "guance_billing_details" "q1" {
  start_date      = "2024-01-01"
  end_date        = "2024-03-31"
  include_records = false # only the totals are needed

  lifecycle {
    postcondition {
      condition = alltrue([
        for product, budget in var.product_budgets : lookup(self.totals_by_product, product, 0) <= budget * 3
      ])
      error_message = join("; ", [
        for product, budget in var.product_budgets :
        "${product} cost ${lookup(self.totals_by_product, product, 0)} in Q1 2024, over its budget of ${budget * 3}"
        if lookup(self.totals_by_product, product, 0) > budget * 3
      ])
    }
  }
}
