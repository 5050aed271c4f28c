# On the 1st one day of the month is complete: the guard judges it and passes, although a
# forecast from a single day is noisy.

provider "guance" {
  recorded_bill = "tests/bills/2024-03.json"
  currency      = "CNY"
}

run "passes_on_the_1st" {
  command = plan
  variables {
    as_of           = "2024-03-01"
    monthly_budget  = 100000
    product_budgets = {}
  }
  assert {
    condition     = output.status == "ok"
    error_message = "status is ${output.status}, want ok"
  }
  assert {
    condition     = output.actual_billing_result == 1799.81 && output.period.start_date == "2024-03-01"
    error_message = "the 1st cost ${output.actual_billing_result} from ${output.period.start_date}, want 1799.81 from 2024-03-01"
  }
}
