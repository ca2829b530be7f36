// Checks that the parts of a parsed suite fit together: ids are unique, references name
// things that exist, every scorer can be built, and every case gives each of its prompts'
// template variables.
#pragma once

#include "evalkit/suite/suite.h"
#include "evalkit/suite/suite_parser.h"

namespace evalkit {

// Validates *suite; fills defaults.provider when the suite has exactly one provider, and
// under_test with the systems under test (Suite::systems_under_test).
// Errors name the file:line:column of the part at fault. Cases are checked in one walk
// (dataset rows read from their files); locations->case_id_hashes is used up.
Status validate_suite(SuiteLocations* locations, Suite* suite);

}  // namespace evalkit
