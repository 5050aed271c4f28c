# March 2024 on the 15th, judged against a budget of 100000 with graded thresholds: warn at 80%
# of what was spent and when the month is forecast over the budget, block at 100% spent.
data "guance_billing_budget" "march" {
  name            = "march"
  start_date      = provider::guance::billing_period("month", "2024-03-15").start_date
  end_date        = provider::guance::billing_period("month", "2024-03-15").end_date
  as_of           = "2024-03-15"
  amount          = 100000
  product_amounts = { "Log" = 50000 }
  thresholds = [
    { percent = 80, basis = "actual", action = "warn" },
    { percent = 100, basis = "forecast", action = "warn" },
    { percent = 100, basis = "actual", action = "block" },
  ]
  daily_limits = { "Log" = 2000 } # the Guance console's alert on one item's daily bill

  lifecycle {
    postcondition {
      condition     = self.status != "block"
      error_message = coalesce(self.block_message, "no block finding")
    }
  }
}

output "march_status" {
  value = data.guance_billing_budget.march.status # "ok": 37956.09 spent, 77092.364288 forecast
}

output "march_against_february" {
  value = data.guance_billing_budget.march.change_percent # 7.374345: up on February's first 15 days
}
