terraform {
  required_providers {
    guance = {
      source = "guance-finops/guance"
    }
  }
}

# Values known only during the apply defer the reads that use them: timestamp() (not
# plantimestamp()), and a dependency on a resource not yet created.
resource "terraform_data" "deployed" {
  input = "v1"
}

data "guance_billing_budget" "month" {
  start_date = "2024-03-01"
  end_date   = "2024-03-31"
  as_of      = formatdate("YYYY-MM-DD", timestamp())
  amount     = 100000
}

data "guance_billing_forecast" "month" {
  start_date = "2024-03-01"
  end_date   = "2024-03-31"
  as_of      = formatdate("YYYY-MM-DD", timestamp())
}

data "guance_billing_balance" "account" {
  depends_on = [terraform_data.deployed]
}
