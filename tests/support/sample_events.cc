#include "tests/support/sample_events.h"

#include <gtest/gtest.h>

namespace redline::testing {

std::vector<Event> one_of_every_type() {
  std::vector<Event> events;
  events.push_back(UnitRegistered{"U-LT", "临桂区民政局", UnitKind::county_bureau, "LT"});
  events.push_back(InstitutionRegistered{"I-1", "临桂区福利院", InstitutionKind::welfare_home,
                                         "LT", 120});
  events.push_back(LiaisonAppointed{"U-LT", "张伟", "0773-5551234"});
  events.push_back(ResponsibilityLetterSigned{"L-1", "U-CITY", "I-1", "全院消防安全",
                                              "2026-06-01"});
  events.push_back(VolunteerRegistered{"V-1", "李娜", VolunteerKind::journalist});
  events.push_back(CampaignStarted{"C-2026", "民政服务机构安全管理月", "2026-06-01",
                                   "2026-06-30", "2026-06-05", "2026-07-05"});
  events.push_back(DrillRecorded{"D-1", "I-1", DrillKind::evacuation_drill, "2026-06-10",
                                 Instructor::firefighter, 85});
  events.push_back(LiaisonListSubmitted{"C-2026", "U-LT", {{"张伟", "13800000000"}}});
  events.push_back(ActivityPlanSubmitted{"C-2026", "U-LT", "开展宣传教育培训活动"});
  events.push_back(SummarySubmitted{"C-2026", "U-LT", "活动总结",
                                    {{"drill.mp4", MediaFormat::mp4, 1280, 720}}});
  InspectionPlanned planned{"INS-1", InspectionMode::unannounced, "LT", {"消防大队"}, {"I-1"},
                            {"insp-7"}, DrawRecord{InstitutionDraw{1, 42, 3}, std::nullopt}};
  events.push_back(planned);
  events.push_back(InspectionStarted{"INS-1"});
  events.push_back(InspectionCompleted{"INS-1", "发现隐患3处"});
  events.push_back(hazard_reported("H-1"));
  events.push_back(HazardClassified{Severity::major, true});
  events.push_back(HazardDismissed{"重复上报"});
  events.push_back(RectificationPlanned{"院长王强", "更换灭火器并清理通道", Funding{12000.5, "财政"},
                                        "专人值守", at("2026-06-20T00:00:00Z")});
  events.push_back(DeadlineSet{DeadlineKind::plan, at("2026-06-06T09:00:00Z")});
  events.push_back(DeadlineExtended{at("2026-07-01T00:00:00Z"), "资金未到位"});
  events.push_back(RectificationProgressed{"已采购灭火器"});
  events.push_back(RectificationSubmitted{{{"after.png", MediaFormat::png, 2048, 1536}}});
  events.push_back(RectificationVerified{true, "复查合格"});
  events.push_back(HazardClosed{});
  events.push_back(AssistanceRequested{"需要政府协调资金"});
  events.push_back(HazardListed{ListingLevel::city, "city_bureau", "major_hazard"});
  events.push_back(HazardDelisted{});
  events.push_back(DeadlineMissed{DeadlineKind::rectification, at("2026-06-20T00:00:00Z")});
  events.push_back(HazardEscalated{EscalationLevel::county, EscalationLevel::city, "overdue"});
  events.push_back(AccountabilityRaised{"I-1", "LT", "listed hazard overdue"});
  events.push_back(ReferredToGovernment{"assistance requested"});
  events.push_back(VerificationOverdue{at("2026-06-21T10:00:00Z")});
  events.push_back(SystemicHazardIdentified{"LT", Category::gas, {"I-1", "I-2", "I-3"},
                                            {"H-1", "H-2", "H-3"}});
  events.push_back(ObligationMissed{"C-2026", ObligationKind::drill, std::nullopt, "I-1"});
  events.push_back(PublicReportReceived{"R-1", ReportChannel::wechat, "I-1", "楼道堆放杂物",
                                        {{"photo.psd", MediaFormat::psd, 640, 480}},
                                        "13900000000", std::nullopt});
  events.push_back(PublicReportTriaged{TriageDecision::accept, "H-9", std::nullopt, std::nullopt});
  events.push_back(PublicReportPublished{"已处理"});
  return events;
}

StagedAppend append_committed(EventStore& store, const std::vector<NewEvent>& events,
                              std::optional<StreamVersion> expected) {
  auto txn = store.begin_transaction();
  auto staged = txn.append(events, expected);
  EXPECT_TRUE(staged.ok()) << staged.status().to_string();
  if (!staged.ok()) return {};
  Status committed = txn.commit();
  EXPECT_TRUE(committed.ok()) << committed.to_string();
  return *staged;
}

}  // namespace redline::testing
