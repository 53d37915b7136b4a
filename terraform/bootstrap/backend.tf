# The bucket cannot hold the state of its own creation: bootstrap starts with local state.
terraform {
  backend "local" {}
}
