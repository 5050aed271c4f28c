# A product whose latest complete day cost more than its daily limit is flagged, as the Guance
# console's alert on one billed item's daily bill: a warning by default, a block when asked.

provider "guance" {
  recorded_bill = "tests/bills/2024-03.json"
  currency      = "CNY"
}

variables {
  as_of           = "2024-03-15"
  monthly_budget  = 100000
  product_budgets = {}
}

run "warns_of_a_product_over_its_daily_limit" {
  command = plan
  variables {
    daily_limits = { "Log" = 50, "Metric" = 100000 }
  }
  expect_failures = [check.budget]
  assert {
    condition     = output.status == "warn" && strcontains(output.warn_message, "Log")
    error_message = "status is ${output.status}, want warn naming Log"
  }
  assert {
    condition     = !strcontains(output.warn_message, "Metric")
    error_message = "Metric is within its daily limit, yet the warning names it: ${output.warn_message}"
  }
}

run "blocks_a_product_over_its_daily_limit_when_asked" {
  command = plan
  variables {
    daily_limits       = { "Log" = 50 }
    daily_limit_action = "block"
  }
  expect_failures = [data.guance_billing_budget.month]
}
