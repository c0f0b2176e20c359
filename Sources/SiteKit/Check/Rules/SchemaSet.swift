import Foundation

/// The page schemas: the front-matter keys each type of page needs or may have, the notices it
/// must show, and how long a medical review stays valid. Read from `content/_schemas.yaml`; a site
/// without that file gets `SchemaSet.builtIn`.
struct SchemaSet: Sendable {
    /// One declared key and its type.
    struct KeySpec: Sendable, Hashable {
        var key: String
        var type: KeyType
    }

    /// A type of page as declared (before `extends` and the base type are merged in).
    struct PageType: Sendable {
        var name: String
        var extends: String?
        var extendsPosition: SourcePosition?
        var required: [KeySpec] = []
        var optional: [KeySpec] = []
        var notices: [String] = []
    }

    /// A type with its ancestors and the base type `page` merged in: what a page of it is checked against.
    struct Resolved: Sendable {
        var name: String
        /// The type, the types it extends, then `page`.
        var chain: [String]
        /// Every key a page of this type may have, with its type.
        var keys: [String: KeyType]
        /// Required keys in declaration order (base type first), with the type that requires each.
        var required: [(key: String, by: String)]
        var notices: [String]

        func requires(_ key: String) -> Bool { required.contains { $0.key == key } }
    }

    /// The type every page has unless it says otherwise, and the base of every other type.
    static let baseType = "page"

    /// Keys every page may have, whatever the schema says, with their types. The build itself
    /// reads them (URLs, menus, sitemap, prices, exemptions, medical review).
    static let builtinKeys: [(key: String, type: KeyType)] = [
        ("title", .text), ("description", .text), ("date", .date), ("lastmod", .date),
        ("draft", .bool), ("weight", .int), ("slug", .text), ("url", .text), ("aliases", .textList),
        ("template", .text), ("type", .text), ("tags", .textList), ("ignore", .textList),
        ("sitemap", .bool), ("reviewed", .review), ("reviewed_by", .text), ("prices", .list),
        ("lists", .map),
    ]

    static let builtinTypes: [String: KeyType] = Dictionary(uniqueKeysWithValues: builtinKeys.map { ($0.key, $0.type) })

    var types: [String: PageType] = [:]
    /// Folder below `content/` → type, longest folder first.
    var folders: [(folder: String, type: String)] = []
    var reviewPeriodMonths = 12
    /// False for the built-in schema, which accepts any `type:` (and checks such pages as `page`).
    var typesAreDeclared = false
    /// Where the schema comes from, for messages ("declared in content/_schemas.yaml").
    var file: String?
    private(set) var resolved: [String: Resolved] = [:]

    var typeNames: [String] { types.keys.sorted() }

    /// The schema of a site without `_schemas.yaml`: every page needs a title and may have a
    /// description; a page of `type: pricing` must show the Good Faith Estimate notice; any
    /// other type name is accepted.
    static var builtIn: SchemaSet {
        var schema = SchemaSet()
        schema.types[baseType] = defaultBase
        schema.types["pricing"] = PageType(name: "pricing", notices: [NoticeRule.goodFaithEstimate.id])
        var ignored: [Diagnostic] = []
        schema.resolve(diagnostics: &ignored)
        return schema
    }

    static var defaultBase: PageType {
        PageType(name: baseType, required: [KeySpec(key: "title", type: .text)], optional: [KeySpec(key: "description", type: .text)])
    }

    /// The schema for a page of type `name`; nil when the schema declares its types and this is not one.
    func type(named name: String) -> Resolved? {
        if let type = resolved[name] { return type }
        return typesAreDeclared ? nil : resolved[Self.baseType]
    }

    /// Where a page's type comes from.
    enum Origin: Sendable {
        case frontMatter(SourcePosition)
        case folder(String)
        case none
    }

    /// A page's type: front matter `type:`, else the type of its folder, else `page`.
    func typeName(of page: Page) -> (name: String, origin: Origin) {
        if let value = page.frontMatter["type"], let name = value.string?.trimmingCharacters(in: .whitespaces), !name.isEmpty,
            value.array == nil
        {
            return (name, .frontMatter(value.position))
        }
        let directory = page.sourceDirectory
        for (folder, type) in folders where directory == folder || directory.hasPrefix(folder + "/") {
            return (type, .folder(folder))
        }
        return (Self.baseType, .none)
    }

    /// The types that declare `key` themselves (for "this key belongs to pages of type …").
    func types(declaring key: String) -> [String] {
        typeNames.filter { name in
            let t = types[name]!
            return (t.required + t.optional).contains { $0.key == key }
        }
    }

    // MARK: Reading _schemas.yaml

    static func load(_ file: SourceFile) -> (SchemaSet, [Diagnostic]) {
        var reader = DataFileReader(file)
        guard let root = reader.root(describing: "review_period_months: 12, folders: …, types: …") else {
            var fallback = builtIn
            fallback.file = file.displayPath
            return (fallback, reader.diagnostics)
        }
        let context = file.relativePath
        reader.checkKeys(of: root, allowed: ["review_period_months", "folders", "types"], in: context)
        var schema = SchemaSet()
        schema.file = file.displayPath

        if let period = root["review_period_months"] {
            switch period.kind {
            case .int(let months) where months > 0:
                schema.reviewPeriodMonths = months
            case .int(let months):
                reader.invalid(
                    period.position, "review_period_months must be a whole number of months above 0, not \(months)",
                    suggestion: "for example: review_period_months: 12")
            default:
                reader.invalid(
                    period.position, "review_period_months must be a whole number of months above 0, not \(period.typeName)",
                    suggestion: "for example: review_period_months: 12")
            }
        }

        if let types = root["types"], !isNull(types) {
            schema.typesAreDeclared = true
            if case .mapping(let entries) = types.kind {
                for entry in entries {
                    if let type = readType(entry, reader: &reader) { schema.types[entry.key] = type }
                }
            } else {
                reader.invalid(types.position, "'types' must map each type name to its keys (clinical: {required: …}), not \(types.typeName)")
            }
        }
        if schema.types[baseType] == nil { schema.types[baseType] = defaultBase }
        if !schema.typesAreDeclared { schema.types["pricing"] = builtIn.types["pricing"] }

        if let folders = root["folders"], !isNull(folders) {
            if case .mapping(let entries) = folders.kind {
                for entry in entries {
                    let folder = entry.key.trimmingCharacters(in: CharacterSet(charactersIn: "/ "))
                    guard !folder.isEmpty, !folder.split(separator: "/").contains("..") else {
                        reader.invalid(entry.keyPosition, "'\(entry.key)' is not a folder below content/")
                        continue
                    }
                    guard let type = reader.text(entry.value, "the type of the folder '\(folder)'") else { continue }
                    guard schema.types[type] != nil || !schema.typesAreDeclared else {
                        let near = didYouMean(type, in: schema.typeNames, at: entry.value.position)
                        reader.invalid(
                            entry.value.position, "there is no page type '\(type)' for the folder '\(folder)'",
                            suggestion: near.suggestion, fix: near.fix)
                        continue
                    }
                    schema.folders.append((folder, type))
                }
                schema.folders.sort { $0.folder.count > $1.folder.count }
            } else {
                reader.invalid(folders.position, "'folders' must map a folder to a page type (clinical: clinical), not \(folders.typeName)")
            }
        }

        schema.resolve(diagnostics: &reader.diagnostics)
        return (schema, reader.diagnostics)
    }

    private static func isNull(_ value: YAMLValue) -> Bool {
        if case .null = value.kind { return true }
        return false
    }

    /// "did you mean 'near'?" with its edit of `word` at `position`, or the list of candidates.
    static func didYouMean(_ word: String, in candidates: [String], at position: SourcePosition) -> (suggestion: String, fix: Fix?) {
        if let near = Suggest.nearest(word, in: candidates) { return ("did you mean '\(near)'?", .renaming(word, at: position, to: near)) }
        return ("the types are: \(candidates.sorted().joined(separator: ", "))", nil)
    }

    private static func readType(_ entry: YAMLValue.Entry, reader: inout DataFileReader) -> PageType? {
        var type = PageType(name: entry.key)
        let value = entry.value
        if isNull(value) { return type }
        guard case .mapping = value.kind else {
            reader.invalid(
                value.position, "the type '\(entry.key)' must be a set of keys (required: …, optional: …), not \(value.typeName)",
                suggestion: "write \(entry.key): {} for a type with nothing more than the base type 'page'")
            return nil
        }
        reader.checkKeys(of: value, allowed: ["description", "extends", "required", "optional", "notices"], in: "the type '\(entry.key)'")
        if let description = value["description"], !isNull(description) {
            _ = reader.text(description, "the description of the type '\(entry.key)'")
        }
        if let extends = value["extends"] {
            if entry.key == baseType {
                reader.invalid(value.entry("extends")!.keyPosition, "the base type 'page' cannot extend another type; every other type extends it")
            } else if let parent = reader.text(extends, "'extends'") {
                type.extends = parent
                type.extendsPosition = extends.position
            }
        }
        type.required = readKeys(value["required"], of: entry.key, reader: &reader)
        type.optional = readKeys(value["optional"], of: entry.key, reader: &reader)
        for spec in type.optional where type.required.contains(where: { $0.key == spec.key }) {
            reader.invalid(value.position, "the type '\(entry.key)' lists '\(spec.key)' as both required and optional")
        }
        if let notices = value["notices"] {
            for (id, position) in reader.texts(notices, "a notice") {
                if NoticeRule.ids.contains(id) {
                    type.notices.append(id)
                } else {
                    let near = Suggest.nearest(id, in: NoticeRule.ids)
                    reader.invalid(
                        position, "there is no notice '\(id)'",
                        suggestion: near.map { "did you mean '\($0)'?" } ?? "the notices are: \(NoticeRule.ids.joined(separator: ", "))",
                        fix: .renaming(id, at: position, to: near))
                }
            }
        }
        return type
    }

    /// `required:`/`optional:` as a mapping (`reviewed_by: text`) or a list of key names (the
    /// types of built-in keys are known; other keys listed by name accept any value).
    private static func readKeys(_ value: YAMLValue?, of typeName: String, reader: inout DataFileReader) -> [KeySpec] {
        guard let value, !isNull(value) else { return [] }
        var specs: [KeySpec] = []
        func add(_ key: String, _ typeValue: YAMLValue?, at position: SourcePosition) {
            let builtin = builtinTypes[key]
            var type = builtin ?? .any
            if let typeValue, !isNull(typeValue) {
                guard let name = reader.text(typeValue, "the type of '\(key)'") else { return }
                guard let declared = KeyType(rawValue: name) else {
                    let names = KeyType.allCases.map(\.rawValue)
                    let near = Suggest.nearest(name, in: names)
                    reader.invalid(
                        typeValue.position, "'\(name)' is not a type of value",
                        suggestion: near.map { "did you mean '\($0)'?" } ?? "the types of value are: \(names.joined(separator: ", "))",
                        fix: .renaming(name, at: typeValue.position, to: near))
                    return
                }
                if let builtin, builtin != declared {
                    reader.invalid(
                        typeValue.position, "'\(key)' is a built-in key whose value is \(builtin.rawValue), not \(declared.rawValue)",
                        suggestion: "write \(key): \(builtin.rawValue), or leave the type out")
                    return
                }
                type = declared
            }
            if specs.contains(where: { $0.key == key }) {
                reader.invalid(position, "'\(key)' is listed twice in the type '\(typeName)'")
                return
            }
            specs.append(KeySpec(key: key, type: type))
        }
        switch value.kind {
        case .mapping(let entries):
            for entry in entries { add(entry.key, entry.value, at: entry.keyPosition) }
        case .array(let items):
            for item in items {
                if let key = reader.text(item, "a key name") { add(key, nil, at: item.position) }
            }
        default:
            reader.invalid(value.position, "list the keys with their types (title: text), not \(value.typeName)")
        }
        return specs
    }

    /// Merges each type with the types it extends and the base type.
    mutating func resolve(diagnostics: inout [Diagnostic]) {
        resolved = [:]
        var reportedLoops = Set<[String]>()
        for name in typeNames {
            var chain = [name]
            var current = types[name]!
            while let parent = current.extends, parent != Self.baseType {
                let at = current.extendsPosition ?? SourcePosition(file: file ?? "")
                guard let next = types[parent] else {
                    let near = Self.didYouMean(parent, in: typeNames, at: at)
                    diagnostics.append(
                        .error(
                            "rules.invalid", at: at, "the type '\(current.name)' extends '\(parent)', which is not declared",
                            suggestion: near.suggestion, fix: near.fix))
                    break
                }
                if chain.contains(parent) {
                    // Report a loop once, however many types lead into it.
                    let loop = Array(chain[chain.firstIndex(of: parent)!...])
                    if reportedLoops.insert(loop.sorted()).inserted {
                        diagnostics.append(
                            .error(
                                "rules.invalid", at: at,
                                "the types extend each other in a loop (\((loop + [parent]).joined(separator: " → ")))",
                                suggestion: "remove one of the 'extends'"))
                    }
                    break
                }
                chain.append(parent)
                current = next
            }
            if name != Self.baseType { chain.append(Self.baseType) }
            var keys = Self.builtinTypes
            var required: [(key: String, by: String)] = []
            var notices: [String] = []
            for typeName in chain.reversed() {
                guard let type = types[typeName] else { continue }
                for spec in type.optional { keys[spec.key] = spec.type }
                for spec in type.required {
                    keys[spec.key] = spec.type
                    if !required.contains(where: { $0.key == spec.key }) { required.append((spec.key, typeName)) }
                }
                for notice in type.notices where !notices.contains(notice) { notices.append(notice) }
            }
            resolved[name] = Resolved(name: name, chain: chain, keys: keys, required: required, notices: notices)
        }
    }
}
