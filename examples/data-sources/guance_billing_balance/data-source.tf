# Stop the plan when the account can no longer pay: the balance is read while planning, so
# the guard fails before anything is applied.
variable "balance_floor" {
  description = "The least the account may hold across cash, coupons and stored-value cards."
  type        = number
  default     = 1000
}

data "guance_billing_balance" "account" {
  lifecycle {
    postcondition {
      condition     = self.total_balance >= var.balance_floor
      error_message = "The Guance balance is ${self.total_balance}, below the floor of ${var.balance_floor}: top up the account before applying."
    }
  }
}

output "total_balance" {
  value = data.guance_billing_balance.account.total_balance
}

# A coupon balance the API does not report ("None") is null; coalesce it to show 0.
output "coupon_balance" {
  value = coalesce(data.guance_billing_balance.account.coupon_balance, 0)
}
