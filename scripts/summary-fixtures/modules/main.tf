terraform {
  required_providers {
    guance = {
      source = "guance-finops/guance"
    }
  }
}

# The guard called as a module, twice, with literal budgets: the summary finds each.
module "payments" {
  source          = "../cost-guard"
  name            = "payments"
  as_of           = "2024-02-29"
  monthly_budget  = 75000
  product_budgets = { "Log" = 30000, "Session Replay" = 10000 }
}

module "search" {
  source          = "../cost-guard"
  name            = "search"
  as_of           = "2024-04-15"
  monthly_budget  = 150000
  product_budgets = {}
  min_runway_days = 30
}
