# Local state: the emulator forgets everything when it stops, so remote state would only lie.
terraform {
  backend "local" {}
}
