# The guard blocks the plan when the month so far is over the budget, and at it exactly:
# 2024-03-01 to 2024-03-15 of the recorded bill cost 15695.55.

provider "guance" {
  recorded_bill = "tests/bills/2024-03.json"
  currency      = "CNY"
}

variables {
  as_of           = "2024-03-15"
  product_budgets = {}
}

run "blocks_over_the_budget" {
  command = plan
  variables {
    monthly_budget = 15000
  }
  # The postcondition fails only on status "block".
  expect_failures = [data.guance_billing_budget.month]
}

run "blocks_at_the_budget_exactly" {
  command = plan
  variables {
    monthly_budget = 15695.55
  }
  expect_failures = [data.guance_billing_budget.month]
}

# A cent more and the spend is under the budget: the plan goes on, warned (over 80%).
run "warns_a_cent_under_the_budget" {
  command = plan
  variables {
    monthly_budget = 15695.56
  }
  expect_failures = [check.budget]
  assert {
    condition     = output.status == "warn"
    error_message = "status is ${output.status}, want warn"
  }
  assert {
    condition     = output.actual_billing_result == 15695.55
    error_message = "the month so far cost ${output.actual_billing_result}, want 15695.55 exactly"
  }
}
