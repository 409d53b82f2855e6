"""The CloudFormation that `chalice package --merge-template infra/template.json` merges into chalice's
own template (DESIGN.md section 7). `python -m infra.build` writes template.json; never edit it by hand."""
