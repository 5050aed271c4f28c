# The guard warns, and lets the plan go on, when the month so far reaches a threshold of the
# budget (80% by default), and says nothing below it.

provider "guance" {
  recorded_bill = "tests/bills/2024-03.json"
  currency      = "CNY"
}

variables {
  as_of           = "2024-03-15"
  product_budgets = {}
}

run "warns_at_80_percent" {
  command = plan
  variables {
    monthly_budget = 19000 # 15695.55 is 82.6% of it
  }
  expect_failures = [check.budget]
  assert {
    condition     = output.status == "warn"
    error_message = "status is ${output.status}, want warn"
  }
  assert {
    condition     = strcontains(output.warn_message, "15,695.55 CNY")
    error_message = "the warning does not name the spend to 2 decimals with its currency: ${output.warn_message}"
  }
}

run "passes_below_every_threshold" {
  command = plan
  variables {
    monthly_budget = 40000 # 39.2% spent, 75.6% forecast
  }
  assert {
    condition     = output.status == "ok" && output.warn_message == null
    error_message = "status is ${output.status}, want ok without a warning"
  }
}

run "a_threshold_of_your_own_blocks" {
  command = plan
  variables {
    monthly_budget = 40000
    thresholds     = [{ percent = 30, basis = "actual", action = "block" }]
  }
  expect_failures = [data.guance_billing_budget.month]
}
