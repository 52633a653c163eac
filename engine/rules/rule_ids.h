// The rule ids of SPEC §4, as they appear in a rule event's `rule` field. Constants only.
#pragma once

#include <string_view>

namespace redline::rules {

inline constexpr std::string_view kGeneralDeadline = "general-deadline";
inline constexpr std::string_view kMajorPlanDeadline = "major-plan-deadline";
inline constexpr std::string_view kMajorListing = "major-listing";
inline constexpr std::string_view kPlanDeadline = "plan-deadline";
inline constexpr std::string_view kDeadlineMissed = "deadline-missed";
inline constexpr std::string_view kStillOverdue = "still-overdue";
inline constexpr std::string_view kVerificationOverdue = "verification-overdue";
inline constexpr std::string_view kAssistanceReferral = "assistance-referral";
inline constexpr std::string_view kSystemic = "systemic";
inline constexpr std::string_view kCampaignObligations = "campaign-obligations";

}  // namespace redline::rules
