// The command handlers of SPEC §3: each reads its fields, checks the actor's role, the
// referenced entities and the lifecycle, and decides the events to append (or an error;
// a handler never writes). Engine-internal; not thread-safe.
#pragma once

#include <string_view>

#include "engine/domain/handler_support.h"

namespace redline {

using Handler = Result<Decision> (*)(HandlerContext& context);

// nullptr for a type that is not a command of the spec.
Handler find_handler(std::string_view command_type);

// One per group (organisation_handlers.cc, campaign_handlers.cc, …).
Result<Decision> register_unit(HandlerContext& c);
Result<Decision> register_institution(HandlerContext& c);
Result<Decision> appoint_liaison(HandlerContext& c);
Result<Decision> sign_responsibility_letter(HandlerContext& c);
Result<Decision> register_volunteer(HandlerContext& c);

Result<Decision> start_campaign(HandlerContext& c);
Result<Decision> record_drill(HandlerContext& c);
Result<Decision> submit_liaison_list(HandlerContext& c);
Result<Decision> submit_activity_plan(HandlerContext& c);
Result<Decision> submit_summary(HandlerContext& c);

Result<Decision> plan_inspection(HandlerContext& c);
Result<Decision> start_inspection(HandlerContext& c);
Result<Decision> complete_inspection(HandlerContext& c);

Result<Decision> report_hazard(HandlerContext& c);
Result<Decision> classify_hazard(HandlerContext& c);
Result<Decision> dismiss_hazard(HandlerContext& c);
Result<Decision> plan_rectification(HandlerContext& c);
Result<Decision> record_progress(HandlerContext& c);
Result<Decision> submit_rectification(HandlerContext& c);
Result<Decision> verify_rectification(HandlerContext& c);
Result<Decision> close_hazard(HandlerContext& c);
Result<Decision> extend_deadline(HandlerContext& c);
Result<Decision> list_hazard(HandlerContext& c);
Result<Decision> delist_hazard(HandlerContext& c);
Result<Decision> request_assistance(HandlerContext& c);

Result<Decision> report_by_public(HandlerContext& c);
Result<Decision> triage_public_report(HandlerContext& c);
Result<Decision> publish_public_report(HandlerContext& c);

}  // namespace redline
