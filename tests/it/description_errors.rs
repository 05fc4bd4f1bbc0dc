//! Bad descriptions: each is a clear error naming the file, line and column, with a hint, and
//! maps to exit code 2. Nothing is generated.

use std::path::Path;

use kubeforge::error::Error;

struct Bad {
    name: &'static str,
    yaml: String,
    line: usize,
    column: usize,
    message: &'static str,
    hint: &'static str,
}

fn bad(
    name: &'static str,
    yaml: &str,
    at: (usize, usize),
    message: &'static str,
    hint: &'static str,
) -> Bad {
    Bad {
        name,
        yaml: yaml.to_string(),
        line: at.0,
        column: at.1,
        message,
        hint,
    }
}

/// `version: v1`, `kind: Case` and a spec whose properties are `props` (at 4 spaces).
fn spec(props: &str) -> String {
    format!("version: v1\nkind: Case\nspec:\n  properties:\n{props}")
}

fn cases() -> Vec<Bad> {
    let mut deep = String::from("version: v1\nkind: Case\nspec:\n  properties:\n");
    let mut pad = 4;
    for i in 0..40 {
        deep.push_str(&format!(
            "{}l{i}:\n{}properties:\n",
            " ".repeat(pad),
            " ".repeat(pad + 2)
        ));
        pad += 4;
    }
    deep.push_str(&format!("{}leaf: string\n", " ".repeat(pad)));
    let mut nested = String::from("version: v1\nkind: Case\nspec:\n  properties:\n");
    let mut pad = 4;
    for i in 0..26 {
        nested.push_str(&format!(
            "{}l{i}:\n{}properties:\n",
            " ".repeat(pad),
            " ".repeat(pad + 2)
        ));
        pad += 4;
    }
    nested.push_str(&format!("{}leaf: string\n", " ".repeat(pad)));
    vec![
        bad(
            "yaml_syntax",
            "version: v1\nkind: Case\nspec: {properties: {a: string}\nstatus: {}\n",
            (0, 0),
            "",
            "fix the YAML",
        ),
        bad(
            "yaml_boolean_enum",
            &spec("    a:\n      type: string\n      enum: [x, y]\n"),
            (7, 13),
            "the enum value true of `spec.a` is invalid",
            "quote the value",
        ),
        bad(
            "unknown_top_key",
            "version: v1\nkind: Case\nspecs: {}\n",
            (3, 1),
            "unknown key `specs`",
            "did you mean `spec`?",
        ),
        bad(
            "unknown_schema_key",
            &spec("    a:\n      type: integer\n      minimun: 1\n"),
            (7, 7),
            "unknown key `minimun`",
            "did you mean `minimum`?",
        ),
        bad(
            "wrong_type",
            &spec("    a:\n      type: string\n      minLength: abc\n"),
            (7, 18),
            "",
            "fix the YAML",
        ),
        bad(
            "invalid_kind",
            "version: v1\nkind: cron_job\nspec: {properties: {a: string}}\n",
            (2, 7),
            "kind `cron_job` must start with an uppercase letter",
            "UpperCamelCase",
        ),
        bad(
            "invalid_version",
            "version: 1.0\nkind: Case\nspec: {properties: {a: string}}\n",
            (1, 10),
            "version `1.0` must start with 'v'",
            "v1alpha1",
        ),
        bad(
            "invalid_group",
            "group: Batch_Jobs\nversion: v1\nkind: Case\nspec: {properties: {a: string}}\n",
            (1, 8),
            "group `Batch_Jobs`",
            "lowercase DNS name",
        ),
        bad(
            "invalid_plural",
            "version: v1\nkind: Case\nplural: Cases\nspec: {properties: {a: string}}\n",
            (3, 9),
            "plural `Cases`",
            "lowercase",
        ),
        bad(
            "api_version_at_root",
            "apiVersion: v1\nversion: v1\nkind: Case\nspec: {properties: {a: string}}\n",
            (1, 13),
            "a description has no `apiVersion`",
            "cannot be redefined",
        ),
        bad(
            "metadata_at_root",
            "version: v1\nkind: Case\nmetadata:\n  name: x\nspec: {properties: {a: string}}\n",
            (4, 3),
            "a description has no `metadata`",
            "cannot be redefined",
        ),
        bad(
            "kind_redefined",
            "version: v1\nkind:\n  type: string\nspec: {properties: {a: string}}\n",
            (3, 3),
            "`kind` is defined by Kubernetes and cannot be redefined",
            "write `kind: CronJob`",
        ),
        bad(
            "schema_at_root",
            "version: v1\nkind: Case\nproperties:\n  spec: {type: object}\n",
            (4, 3),
            "a description is not a schema",
            "under `spec:`",
        ),
        bad(
            "crd_pasted",
            "version: v1\nkind: Case\nversions: []\nspec: {properties: {a: string}}\n",
            (3, 11),
            "a description is not a CRD",
            "describes one version",
        ),
        bad(
            "too_deep_yaml",
            &deep,
            (0, 0),
            "nested too deeply",
            "flatten",
        ),
        bad(
            "too_deep_schema",
            &nested,
            (0, 0),
            "nested more than 24 schemas deep",
            "flatten",
        ),
        bad(
            "unique_items",
            &spec("    a:\n      type: array\n      items: string\n      uniqueItems: true\n"),
            (8, 20),
            "`uniqueItems: true` is not allowed",
            "x-kubernetes-list-type: set",
        ),
        bad(
            "ref",
            &spec("    a:\n      $ref: '#/definitions/x'\n"),
            (6, 13),
            "`$ref` is not allowed in a CRD schema",
            "write the referenced schema inline",
        ),
        bad(
            "pattern_properties",
            &spec("    a:\n      type: object\n      patternProperties: {}\n"),
            (7, 26),
            "`patternProperties` is not allowed",
            "additionalProperties",
        ),
        bad(
            "any_of_type",
            &spec("    a:\n      type: string\n      anyOf: [{type: string, pattern: '^a'}]\n"),
            (7, 14),
            "`anyOf[0].type`: `type` is not allowed inside",
            "move it out of the junctor",
        ),
        bad(
            "all_of_unknown_property",
            &spec(
                "    a:\n      type: object\n      properties:\n        x: string\n      allOf: [{properties: {y: {minLength: 1}}}]\n",
            ),
            (9, 14),
            "`allOf[0].properties.y`: `y` is not a property of the node",
            "add the property",
        ),
        bad(
            "all_of_metadata",
            &spec(
                "    a:\n      type: object\n      properties:\n        metadata: {type: object}\n      allOf: [{properties: {metadata: {minProperties: 1}}}]\n",
            ),
            (9, 14),
            "`metadata` cannot be restricted inside a junctor",
            "remove it",
        ),
        bad(
            "any_of_required_unknown",
            &spec(
                "    a:\n      type: object\n      properties:\n        x: string\n      anyOf: [{required: [x]}, {required: [z]}]\n",
            ),
            (9, 14),
            "`anyOf[1].required` names `z`, which is not a property",
            "list properties",
        ),
        bad(
            "not_description",
            &spec("    a:\n      type: string\n      not: {description: d}\n"),
            (7, 12),
            "`not.description`: `description` is not allowed inside",
            "only value validations",
        ),
        bad(
            "any_of_bad_pattern",
            &spec("    a:\n      type: string\n      anyOf: [{pattern: '('}]\n"),
            (7, 14),
            "`anyOf[0].pattern`: the pattern does not compile",
            "regular expression",
        ),
        bad(
            "all_of_items_on_string",
            &spec("    a:\n      type: string\n      allOf: [{items: {minLength: 1}}]\n"),
            (7, 14),
            "the node is not an array",
            "put the junctor on an array",
        ),
        bad(
            "any_of_unknown_key",
            &spec("    a:\n      type: string\n      anyOf: [{const: x}]\n"),
            (7, 14),
            "`anyOf[0].const`: `const` cannot be used inside",
            "value validations only",
        ),
        bad(
            "any_of_empty",
            &spec("    a:\n      type: string\n      anyOf: []\n"),
            (7, 14),
            "`anyOf` must be a non-empty list",
            "value validations",
        ),
        bad(
            "any_of_well_known",
            &spec("    a:\n      type: Quantity\n      anyOf: [{pattern: '^1'}]\n"),
            (7, 14),
            "`anyOf` beside a well-known type",
            "CEL rule",
        ),
        bad(
            "external_docs_bad",
            &spec("    a:\n      type: string\n      externalDocs: {url: 1}\n"),
            (7, 21),
            "`externalDocs` must be an object with the strings `url` and `description`",
            "externalDocs: {url:",
        ),
        bad(
            "default_against_any_of",
            &spec(
                "    a:\n      type: string\n      default: zzz\n      anyOf: [{pattern: '^a'}, {enum: [b]}]\n",
            ),
            (7, 16),
            "matches none of the `anyOf` schemas",
            "satisfies the node's own schema",
        ),
        bad(
            "enum_against_not",
            &spec("    a:\n      type: string\n      enum: [p, q]\n      not: {enum: [q]}\n"),
            (7, 13),
            "matches the `not` schema",
            "satisfy its constraints",
        ),
        bad(
            "status_any_of",
            "version: v1\nkind: Case\nspec:\n  properties:\n    a: string\nstatus:\n  properties:\n    b: string\n  anyOf: [{required: [b]}]\n",
            (7, 3),
            "`anyOf` on `status` itself is not supported",
            "put it on the properties of `status`",
        ),
        bad(
            "additional_properties_true",
            &spec("    a:\n      type: object\n      additionalProperties: true\n"),
            (7, 29),
            "`additionalProperties: true` is not a structural schema",
            "x-kubernetes-preserve-unknown-fields",
        ),
        bad(
            "unknown_type",
            &spec("    a: strng\n"),
            (5, 8),
            "unknown type `strng`",
            "did you mean `string`?",
        ),
        bad(
            "no_type",
            &spec("    a:\n      description: What?\n"),
            (6, 7),
            "`spec.a` has no type",
            "add `type:`",
        ),
        bad(
            "untyped_preserve",
            &spec("    a:\n      x-kubernetes-preserve-unknown-fields: true\n"),
            (6, 7),
            "keeps any value",
            "type: object",
        ),
        bad(
            "int_or_string_with_type",
            &spec("    a:\n      type: string\n      x-kubernetes-int-or-string: true\n"),
            (7, 35),
            "`x-kubernetes-int-or-string: true` with `type: string`",
            "no type",
        ),
        bad(
            "array_without_items",
            &spec("    a:\n      type: array\n"),
            (6, 7),
            "`spec.a` is an array without `items`",
            "add `items:",
        ),
        bad(
            "properties_and_additional",
            &spec(
                "    a:\n      type: object\n      properties: {b: string}\n      additionalProperties: string\n",
            ),
            (7, 19),
            "both `properties` and `additionalProperties`",
            "one of them",
        ),
        bad(
            "exclusive_numeric",
            &spec("    a:\n      type: integer\n      exclusiveMinimum: 5\n"),
            (7, 25),
            "`exclusiveMinimum` must be a boolean",
            "`minimum: 5` and `exclusiveMinimum: true`",
        ),
        bad(
            "keyword_on_wrong_type",
            &spec("    a:\n      type: integer\n      minLength: 1\n"),
            (7, 18),
            "`minLength` does not apply to the integer `spec.a`",
            "applies to strings",
        ),
        bad(
            "required_missing",
            "version: v1\nkind: Case\nspec:\n  required: [b]\n  properties:\n    a: string\n",
            (4, 14),
            "`spec` requires `b`, which is not one of its properties",
            "add `b` under `properties`",
        ),
        bad(
            "required_conflict",
            "version: v1\nkind: Case\nspec:\n  required: [a]\n  properties:\n    a:\n      type: string\n      required: false\n",
            (8, 17),
            "says `required: false` but `spec` lists it",
            "keep one",
        ),
        bad(
            "default_wrong_type",
            &spec("    a:\n      type: integer\n      format: int32\n      default: ten\n"),
            (8, 16),
            "the default of `spec.a` is invalid: expected an integer",
            "satisfies the node's own schema",
        ),
        bad(
            "default_out_of_bounds",
            &spec("    a:\n      type: integer\n      maximum: 10\n      default: 11\n"),
            (8, 16),
            "the default of `spec.a` is invalid: 11 is above the maximum 10",
            "satisfies",
        ),
        bad(
            "default_not_in_enum",
            &spec("    a:\n      type: string\n      enum: [a, b]\n      default: z\n"),
            (8, 16),
            "\"z\" is not one of \"a\", \"b\"",
            "satisfies",
        ),
        bad(
            "nested_default_invalid",
            &spec(
                "    a:\n      type: object\n      default: {}\n      properties:\n        b:\n          type: string\n          required: true\n",
            ),
            (7, 16),
            "the default of `spec.a` is invalid: the required property `b` is missing",
            "satisfies",
        ),
        bad(
            "pattern_does_not_compile",
            &spec("    a:\n      type: string\n      pattern: '^[a-z+$'\n"),
            (7, 16),
            "the pattern `^[a-z+$` does not compile",
            "RE2",
        ),
        bad(
            "cel_does_not_parse",
            &spec(
                "    a:\n      type: integer\n      x-kubernetes-validations:\n        - rule: self >=\n",
            ),
            (8, 17),
            "the CEL rule `self >=` does not parse",
            "`self` is the value",
        ),
        bad(
            "cel_message_expression",
            &spec(
                "    a:\n      type: integer\n      x-kubernetes-validations:\n        - rule: self > 0\n          messageExpression: \"'bad ' +\"\n",
            ),
            (9, 30),
            "the CEL messageExpression",
            "fix the expression",
        ),
        bad(
            "optional_old_self_without_old_self",
            &spec(
                "    a:\n      type: integer\n      x-kubernetes-validations:\n        - rule: self > 0\n          optionalOldSelf: true\n",
            ),
            (9, 28),
            "`optionalOldSelf: true` on a rule that does not use `oldSelf`",
            "transition rule",
        ),
        bad(
            "field_path_nowhere",
            &spec(
                "    a:\n      type: object\n      properties: {b: string}\n      x-kubernetes-validations:\n        - rule: has(self.b)\n          fieldPath: .c\n",
            ),
            (10, 22),
            "fieldPath `.c` points nowhere",
            "relative to the node",
        ),
        bad(
            "printer_column_nowhere",
            "version: v1\nkind: Case\nadditionalPrinterColumns:\n  - name: X\n    type: string\n    jsonPath: .spec.missing\nspec: {properties: {a: string}}\n",
            (6, 15),
            "the JSONPath `.spec.missing` points nowhere",
            "point the column",
        ),
        bad(
            "printer_column_wrong_type",
            "version: v1\nkind: Case\nadditionalPrinterColumns:\n  - name: X\n    type: integer\n    jsonPath: .spec.a\nspec: {properties: {a: string}}\n",
            (6, 15),
            "the column has type `integer` but `.spec.a` is string",
            "give the column the field's type",
        ),
        bad(
            "printer_column_type",
            "version: v1\nkind: Case\nadditionalPrinterColumns:\n  - name: X\n    type: text\n    jsonPath: .spec.a\nspec: {properties: {a: string}}\n",
            (5, 11),
            "printer column type `text` is not one of",
            "column types",
        ),
        bad(
            "scale_not_integer",
            "version: v1\nkind: Case\nsubresources:\n  status: {}\n  scale:\n    specReplicasPath: .spec.a\n    statusReplicasPath: .status.r\nspec: {properties: {a: string}}\nstatus: {properties: {r: int32}}\n",
            (6, 23),
            "`specReplicasPath: .spec.a` points to string, not integer",
            "existing integer field",
        ),
        bad(
            "scale_outside_spec",
            "version: v1\nkind: Case\nsubresources:\n  status: {}\n  scale:\n    specReplicasPath: .status.r\n    statusReplicasPath: .status.r\nspec: {properties: {a: string}}\nstatus: {properties: {r: int32}}\n",
            (6, 23),
            "must start with `.spec`",
            ".spec.replicas",
        ),
        bad(
            "scale_without_status",
            "version: v1\nkind: Case\nsubresources:\n  scale:\n    specReplicasPath: .spec.a\n    statusReplicasPath: .status.r\nspec: {properties: {a: int32}}\n",
            (5, 5),
            "the scale subresource needs the status subresource",
            "status: {}",
        ),
        bad(
            "selectable_wrong_type",
            "version: v1\nkind: Case\nselectableFields:\n  - jsonPath: .spec.a\nspec: {properties: {a: {type: object}}}\n",
            (4, 15),
            "selectable field `.spec.a` points to object",
            "string, integer or boolean",
        ),
        bad(
            "list_map_key_optional",
            &spec(
                "    a:\n      type: array\n      x-kubernetes-list-type: map\n      x-kubernetes-list-map-keys: [name]\n      items:\n        type: object\n        properties:\n          name: string\n",
            ),
            (12, 11),
            "list-map key `name` of `spec.a` is neither required nor defaulted",
            "required: true",
        ),
        bad(
            "list_map_without_keys",
            &spec(
                "    a:\n      type: array\n      x-kubernetes-list-type: map\n      items: {type: object, properties: {name: string}}\n",
            ),
            (7, 31),
            "`x-kubernetes-list-type: map` needs `x-kubernetes-list-map-keys`",
            "list-map-keys",
        ),
        bad(
            "set_of_objects",
            &spec(
                "    a:\n      type: array\n      x-kubernetes-list-type: set\n      items: {type: object, properties: {name: string}}\n",
            ),
            (7, 31),
            "`spec.a` is a set of object items",
            "x-kubernetes-list-type: map",
        ),
        bad(
            "deprecation_warning_alone",
            "version: v1\nkind: Case\ndeprecationWarning: old\nspec: {properties: {a: int32}}\n",
            (3, 21),
            "`deprecationWarning` without `deprecated: true`",
            "deprecated: true",
        ),
        bad(
            "embedded_metadata_field",
            &spec(
                "    a:\n      type: object\n      x-kubernetes-embedded-resource: true\n      properties:\n        metadata:\n          type: object\n          properties:\n            labels: {type: object, additionalProperties: string}\n",
            ),
            (12, 13),
            "may only constrain `name` and `generateName`, not `labels`",
            "remove this property",
        ),
        bad(
            "duplicate_key",
            &spec("    a: string\n    a: int32\n"),
            (0, 0),
            "the key `a` appears twice",
            "keep one",
        ),
        bad(
            "no_spec",
            "version: v1\nkind: Case\n",
            (1, 1),
            "the description has no `spec`",
            "add `spec:`",
        ),
        bad(
            "spec_not_object",
            "version: v1\nkind: Case\nspec: string\n",
            (3, 7),
            "`spec` must be an object with properties, not a string",
            "properties",
        ),
        bad(
            "example_invalid",
            &spec("    a:\n      type: string\n      maxLength: 2\n      example: abc\n"),
            (6, 7),
            "the example of `spec.a` is invalid",
            "satisfies the node's schema",
        ),
    ]
}

#[test]
fn bad_descriptions_are_clear_errors() {
    let mut failures = Vec::new();
    for case in cases() {
        eprintln!("case {}", case.name);
        let file = Path::new("bad.yaml");
        let result = kubeforge::description::parse(file, &case.yaml).and_then(|d| {
            kubeforge::description::generate(&d, "tests.example.com", "sample", true)
        });
        let err = match result {
            Ok(_) => {
                failures.push(format!("{}: accepted", case.name));
                continue;
            }
            Err(e) => e,
        };
        assert_eq!(err.exit_code(), 2, "{}: {err}", case.name);
        let Error::InvalidFile {
            file: f,
            line,
            column,
            message,
            hint,
        } = &err
        else {
            failures.push(format!("{}: not a file error: {err}", case.name));
            continue;
        };
        let hint = hint.clone().unwrap_or_default();
        let mut problems = Vec::new();
        if f != file {
            problems.push(format!("file {}", f.display()));
        }
        if case.line != 0 && (*line, *column) != (Some(case.line), Some(case.column)) {
            problems.push(format!(
                "at {line:?}:{column:?}, expected {}:{}",
                case.line, case.column
            ));
        }
        if line.is_none() {
            problems.push("no line".into());
        }
        if !message.contains(case.message) {
            problems.push(format!("message lacks `{}`", case.message));
        }
        if !hint.contains(case.hint) {
            problems.push(format!("hint lacks `{}`", case.hint));
        }
        if message.contains("internal error") {
            problems.push("internal error".into());
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}\n  {err}", case.name, problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_multi_megabyte_file_is_refused_at_the_limit() {
    let mut text = String::from("version: v1\nkind: Case\nspec:\n  properties:\n");
    let mut i = 0;
    while text.len() < 3 << 20 {
        text.push_str(&format!("    field{i}: string\n"));
        i += 1;
    }
    let err = kubeforge::description::parse(Path::new("big.yaml"), &text).unwrap_err();
    let Error::InvalidFile { line, message, .. } = &err else {
        panic!("{err}");
    };
    assert!(message.contains("more than the 1048576 bytes"), "{err}");
    assert!(line.is_some_and(|l| l > 1), "{err}");
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn hostile_yaml_is_an_error_not_a_panic() {
    for text in [
        "a: &x [*x]\n",
        "version: v1\nkind: Case\nspec: &s\n  properties:\n    a: *s\n",
        "\u{0}\u{1}\u{2}",
        "version: v1\nkind: Case\nspec:\n  properties:\n    a:\n      type: string\n      pattern: '(((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))'\n",
        "version: v1\nkind: Case\nspec:\n  properties:\n    a:\n      type: integer\n      x-kubernetes-validations:\n        - rule: '((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((self))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))'\n",
        "version: v1\nkind: Case\nspec:\n  properties:\n    a:\n      type: string\n      pattern: 'a{1000}{1000}'\n",
        "version: v1\nkind: Case\nspec:\n  properties:\n    a:\n      type: number\n      minimum: .nan\n",
        "version: v1\nkind: Case\nspec:\n  properties:\n    '': string\n",
    ] {
        let result = std::panic::catch_unwind(|| {
            kubeforge::description::parse(Path::new("x.yaml"), text)
                .and_then(|d| kubeforge::description::generate(&d, "x.example.com", "s", true))
                .map(|_| ())
        });
        let result = result.unwrap_or_else(|_| panic!("panicked on {text:?}"));
        if let Err(e) = result {
            assert_eq!(e.exit_code(), 2, "{text:?}: {e}");
        }
    }
}

#[test]
fn empty_and_non_map_files_are_errors() {
    for text in ["", "null\n", "- a\n- b\n", "just text\n", "{}\n"] {
        let err = kubeforge::description::parse(Path::new("e.yaml"), text).unwrap_err();
        let Error::InvalidFile { line, hint, .. } = &err else {
            panic!("{text:?}: {err}");
        };
        assert!(line.is_some(), "{text:?}: {err}");
        assert!(hint.is_some(), "{text:?}: {err}");
    }
}
