#include "kmpack/artifacts.h"

#include "kmpack/conventions.h"
#include "kmpack/digest.h"
#include "kmpack/emit_c.h"
#include "kmpack/fs.h"

namespace kmpack {

ArtifactRecord artifact_record(const SoPlan &plan) {
    ArtifactRecord r;
    r.kmpack_version = KMPACK_VERSION;
    r.so_name = plan.file_name;
    r.path = plan.rel_path;
    r.md5 = plan.md5;
    r.digest = plan.digest;
    r.id = plan.id;
    for (const auto &in : plan.inputs)
        r.objects.push_back({in.display, in.symbols.defined.size(), md5_hex(in.bytes)});
    r.archives = plan.archives;
    r.libs = plan.system_libs;
    r.linker_options = plan.linker_options;
    for (const auto &a : plan.system_archives)
        r.system_archives.push_back(a.string());
    for (const auto &d : plan.lib_dirs)
        r.lib_dirs.push_back(d.string());
    r.cxx = plan.cxx;
    for (const auto &e : plan.exports)
        r.exports.push_back({e.name, e.target, to_string(e.kind), to_string(e.binding), e.size, e.origin});
    r.skipped_exports = plan.skipped_exports;
    r.renamed_globals = plan.symmap.size();
    r.needed = plan.needed;
    r.imports = plan.imports;
    for (const auto &[from, to] : plan.section_renames)
        r.sections[from] = to;
    return r;
}

std::string symmap_text(const SoPlan &plan) {
    std::string out;
    for (const auto &[old_name, new_name] : plan.symmap)
        out += old_name + " " + new_name + "\n";
    return out;
}

ArtifactRecord write_artifacts(const SoPlan &plan) {
    write_file_atomic(artifact_path(plan.so_path, Artifact::Symmap), symmap_text(plan));
    write_file_atomic(artifact_path(plan.so_path, Artifact::SymbolsC), emit_symbols_c(plan));
    ArtifactRecord record = artifact_record(plan);
    write_file_atomic(artifact_path(plan.so_path, Artifact::Record), artifact_text(record));
    return record;
}

} // namespace kmpack
