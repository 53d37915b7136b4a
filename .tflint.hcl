# tflint --init && tflint --recursive --config "$(pwd)/.tflint.hcl"   (make lint runs it when installed)
config {
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "recommended"
}

plugin "aws" {
  enabled = true
  version = "0.38.0"
  source  = "github.com/terraform-linters/tflint-ruleset-aws"
}

rule "terraform_documented_variables" { enabled = true }
rule "terraform_documented_outputs" { enabled = true }
rule "terraform_typed_variables" { enabled = true }
rule "terraform_required_version" { enabled = true }
rule "terraform_required_providers" { enabled = true }
rule "terraform_standard_module_structure" { enabled = true }
rule "terraform_unused_declarations" { enabled = true }
rule "terraform_comment_syntax" { enabled = true }
rule "terraform_deprecated_interpolation" { enabled = true }

# Resource, variable, output and module names are snake_case; AWS names use hyphens
# ("<project>-<env>-<purpose>") and are values, which this rule does not touch.
rule "terraform_naming_convention" {
  enabled = true
  format  = "snake_case"
}
