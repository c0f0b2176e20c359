/// A `content/_schemas.yaml` for tests: the clinic's types, plus a folder and an `event` type
/// with keys of its own. The content-rule tests and the `clinic-site new` tests share it.
public enum SchemaFixture {
    public static let schemas = """
        review_period_months: 12
        folders:
          conditions: clinical
        types:
          page:
            required:
              title: text
              description: text
          clinical:
            required:
              reviewed: review
              reviewed_by: text
          faq:
            extends: clinical
          pricing:
            required:
              prices: list
            notices: [good-faith-estimate]
          event:
            optional:
              starts: date
              seats: int
          home: {}

        """
}
