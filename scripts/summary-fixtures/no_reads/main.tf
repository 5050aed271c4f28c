resource "terraform_data" "unrelated" {
  input = "no billing read here"
}
