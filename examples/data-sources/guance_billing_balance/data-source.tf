# Stop the plan when the account can no longer pay: the balance is read while planning, so
# the guard fails before anything is applied.
variable "balance_floor" {
  description = "The least the account may hold across cash, coupons and stored-value cards."
  type        = number
  default     = 1000
}

# The API states no currency: name the one your site bills in, for the message.
variable "currency" {
  type    = string
  default = "CNY"
}

data "guance_billing_balance" "account" {
  lifecycle {
    postcondition {
      condition = self.total_balance >= var.balance_floor
      # Amounts to 2 decimals in the message; the state keeps them exact.
      error_message = "The Guance balance is ${format("%.2f", self.total_balance)} ${var.currency}, below the floor of ${format("%.2f", var.balance_floor)} ${var.currency}: top up the account before applying."
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
