# Where March 2024 was heading on the 15th: the first 15 days as billed, and the mean of the
# last 7 of them carried over the 16 days left.
data "guance_billing_forecast" "march" {
  start_date = "2024-03-01"
  end_date   = "2024-03-31"
  as_of      = "2024-03-15"
}

output "march_so_far" {
  value = data.guance_billing_forecast.march.actual_billing_result # 37956.09
}

output "march_forecast" {
  value = data.guance_billing_forecast.march.forecast_billing_result # 37956.09 + 2446.017143 × 16
}

output "march_15_against_the_week_before" {
  value = data.guance_billing_forecast.march.latest_day_ratio # 1.249753: a quarter above the mean
}
