#include "tools/simulator/city_simulator.h"

#include <algorithm>
#include <map>
#include <optional>
#include <queue>
#include <random>
#include <vector>

#include "engine/domain/draw.h"
#include "events/enums.h"
#include "events/time.h"
#include "tools/simulator/internal/simulation_model.h"

namespace redline {
namespace {

using namespace simulation;  // the model (internal/simulation_model.h) is this file's vocabulary

class Simulator {
 public:
  Simulator(const SimulationOptions& options, const std::function<void(const Json&)>& emit,
            SimulationCounts* counts)
      : options_(options), emit_(emit), counts_(counts), rng_(options.seed) {}

  Status run() {
    auto start = parse_day(options_.start);
    if (!start) return Status(ErrorCode::invalid_field, "--start '" + options_.start + "' is not a day");
    if (options_.counties < 1 || options_.counties > 99) {
      return Status(ErrorCode::invalid_field, "--counties must be between 1 and 99");
    }
    if (options_.institutions < options_.counties) {
      return Status(ErrorCode::invalid_field, "--institutions must be at least --counties");
    }
    if (options_.days < 1 || options_.days > 3650) {
      return Status(ErrorCode::invalid_field, "--days must be between 1 and 3650");
    }
    start_ = *start;
    end_ = Timestamp(start_.value() + options_.days * kDay);
    organise();
    for (int day = 0; day < options_.days; ++day) {
      const Timestamp morning(start_.value() + day * kDay + 8 * kHour);
      campaign_day(day, morning);
      inspections_day(day, morning);
      self_reports_day(day, morning);
      public_reports_day(day, morning);
      flush_until(Timestamp(morning.value() + 16 * kHour));
    }
    return Status::Ok();
  }

 private:
  // ---- output ----

  Json actor_city() const { return Json{{"id", "city-admin"}, {"role", "city_bureau"}}; }
  Json actor_county(int county) const {
    return Json{{"id", "bureau-" + counties_[county].id}, {"role", "county_bureau"},
                {"county", counties_[county].id}};
  }
  Json actor_staff(int institution) const {
    const auto& id = institutions_[institution].id;
    return Json{{"id", "staff-" + id}, {"role", "institution_staff"}, {"institution_id", id}};
  }
  Json actor_inspector(const std::string& id) const {
    return Json{{"id", id}, {"role", "inspector"}};
  }

  // Commands of the current day wait here until flush_until sorts them by time.
  void command(Timestamp at, const std::string& type, Json actor, Json fields) {
    Json c;
    c["type"] = type;
    c["command_id"] = "sim-" + std::to_string(options_.seed) + "-" + std::to_string(++sequence_);
    c["actor"] = std::move(actor);
    c["at"] = format_instant(at);
    for (auto& [key, value] : fields.items()) c[key] = value;
    day_.push_back({at, sequence_, std::move(c)});
  }

  void schedule(Timestamp at, Step step, std::size_t subject) {
    if (at >= end_) return;  // beyond the simulated days: it never happens here
    actions_.push(Action{at, ++sequence_, step, subject});
  }

  // Runs the scheduled actions due before `until`, then emits the day in time order.
  void flush_until(Timestamp until) {
    while (!actions_.empty() && actions_.top().at < until) {
      const Action action = actions_.top();
      actions_.pop();
      perform(action);
    }
    std::stable_sort(day_.begin(), day_.end(), [](const auto& a, const auto& b) {
      return a.at != b.at ? a.at < b.at : a.sequence < b.sequence;
    });
    for (auto& pending : day_) {
      emit_(pending.command);
      ++counts_->commands;
    }
    day_.clear();
  }

  // ---- randomness ----

  double uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }
  std::int64_t between(std::int64_t low, std::int64_t high) {
    return low + static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(high - low + 1));
  }
  Timestamp later(Timestamp from, std::int64_t low_ms, std::int64_t high_ms) {
    // Whole minutes keep the times readable.
    return Timestamp(from.value() + between(low_ms / kMinute, high_ms / kMinute) * kMinute);
  }

  // ---- the city ----

  void organise() {
    const Timestamp at(start_.value() + 7 * kHour);
    command(at, "RegisterUnit", actor_city(),
            {{"unit_id", "U-CITY"}, {"name", "市民政局"}, {"kind", "department"}});
    command(at, "RegisterUnit", actor_city(),
            {{"unit_id", "U-SAFETY"}, {"name", "市民政局安全科"}, {"kind", "department"}});
    command(at, "RegisterUnit", actor_city(),
            {{"unit_id", "U-CENTER"}, {"name", "市社会福利中心"}, {"kind", "direct_unit"}});
    for (int c = 0; c < options_.counties; ++c) {
      County county;
      char id[16];
      std::snprintf(id, sizeof id, "C%02d", c + 1);
      county.id = id;
      county.unit = "U-" + county.id;
      for (int k = 1; k <= 6; ++k) county.inspectors.push_back("insp-" + county.id + "-" + std::to_string(k));
      command(at, "RegisterUnit", actor_city(),
              {{"unit_id", county.unit}, {"name", std::string(kCountyNames[c % 12]) + "民政局"},
               {"kind", "county_bureau"}, {"county", county.id}});
      counties_.push_back(std::move(county));
    }
    for (int i = 0; i < options_.institutions; ++i) {
      char id[24];
      std::snprintf(id, sizeof id, "I-%06d", i + 1);
      const int county = i % options_.counties;
      institutions_.push_back({id, county});
      counties_[county].institutions.push_back(i);
      counties_[county].institution_ids.push_back(id);
      command(Timestamp(at.value() + 10 * kMinute), "RegisterInstitution", actor_county(county),
              {{"institution_id", id},
               {"name", std::string(kCountyNames[county % 12]) + "第" + std::to_string(i + 1) +
                            kKindNames[i % 9]},
               {"kind", std::string(to_string(static_cast<InstitutionKind>(i % 9)))},
               {"county", counties_[county].id},
               {"capacity", 20 + static_cast<int>(rng_() % 300)}});
    }
    for (int v = 1; v <= 5; ++v) {
      command(at, "RegisterVolunteer", actor_city(),
              {{"volunteer_id", "V-" + std::to_string(v)}, {"name", "志愿者" + std::to_string(v)},
               {"kind", std::string(to_string(static_cast<VolunteerKind>(v % 3)))}});
    }
    const Timestamp later_at(at.value() + 30 * kMinute);
    for (const char* unit : {"U-CITY", "U-SAFETY", "U-CENTER"}) {
      command(later_at, "AppointLiaison", actor_city(),
              {{"unit_id", unit}, {"name", "联络员"}, {"phone", "0773-2800000"}});
    }
    const std::string ends_on = format_day(Timestamp(end_.value() - kDay));
    command(later_at, "StartCampaign", actor_city(),
            {{"campaign_id", campaign_id()},
             {"title", "民政服务机构安全管理月"},
             {"starts_on", options_.start},
             {"ends_on", ends_on},
             {"liaison_due", format_day(Timestamp(start_.value() + std::min(4, options_.days - 1) * kDay))},
             {"summary_due", format_day(Timestamp(end_.value() + 4 * kDay))}});
    for (int c = 0; c < options_.counties; ++c) {
      const auto& county = counties_[c];
      command(later_at, "AppointLiaison", actor_county(c),
              {{"unit_id", county.unit}, {"name", "张伟"}, {"phone", "1380000" + std::to_string(1000 + c)}});
      command(later_at, "SignResponsibilityLetter", actor_city(),
              {{"letter_id", "L-CITY-" + county.id}, {"from_unit", "U-CITY"}, {"to_unit", county.unit},
               {"scope", "县级民政服务机构安全管理"}, {"signed_on", options_.start}});
      for (int i : county.institutions) {
        if (uniform() < 0.05) continue;  // some letters never signed: an obligation missed
        command(Timestamp(later_at.value() + 20 * kMinute), "SignResponsibilityLetter", actor_county(c),
                {{"letter_id", "L-" + institutions_[i].id}, {"from_unit", county.unit},
                 {"to_unit", institutions_[i].id}, {"scope", "机构消防与安全生产"},
                 {"signed_on", options_.start}});
      }
    }
  }

  std::string campaign_id() const { return "CAMPAIGN-" + options_.start.substr(0, 4); }

  void campaign_day(int day, Timestamp morning) {
    for (int c = 0; c < options_.counties; ++c) {
      // Most counties hand in their liaison list in the first days; some never do.
      if (day == 1 + c % 3 && (c % 7) != 6) {
        command(later(morning, kHour, 3 * kHour), "SubmitLiaisonList", actor_county(c),
                {{"campaign_id", campaign_id()}, {"unit_id", counties_[c].unit},
                 {"liaisons", Json::array({{{"name", "张伟"}, {"phone", "13800001111"}},
                                           {{"name", "李强"}, {"phone", "13800002222"}}})}});
      }
      if (day == 2 + c % 4) {
        command(later(morning, 4 * kHour, 6 * kHour), "SubmitActivityPlan", actor_county(c),
                {{"campaign_id", campaign_id()}, {"unit_id", counties_[c].unit},
                 {"text", "开展宣传教育培训、隐患排查整治和安全督查"}});
      }
      if (day == options_.days - 1 && (c % 5) != 4) {
        command(later(morning, 6 * kHour, 8 * kHour), "SubmitSummary", actor_county(c),
                {{"campaign_id", campaign_id()}, {"unit_id", counties_[c].unit}, {"text", "安全管理月活动总结"},
                 {"attachments", Json::array({{{"name", "drill.jpg"}, {"format", "jpg"}, {"width", 1920}, {"height", 1080}},
                                              {{"name", "drill.mp4"}, {"format", "mp4"}, {"width", 1280}, {"height", 720}}})}});
      }
    }
    // Drills: each institution holds one on its own day; a few never do.
    for (std::size_t i = 0; i < institutions_.size(); ++i) {
      if (i % 11 == 10) continue;
      if (static_cast<int>((i * 7919 + options_.seed) % static_cast<std::uint64_t>(options_.days)) != day) continue;
      command(later(morning, kHour, 8 * kHour), "RecordDrill", actor_staff(static_cast<int>(i)),
              {{"drill_id", "D-" + institutions_[i].id}, {"institution_id", institutions_[i].id},
               {"kind", std::string(to_string(static_cast<DrillKind>(i % 5)))},
               {"held_on", format_day(morning)},
               {"instructor", std::string(to_string(static_cast<Instructor>(i % 3)))},
               {"participants", 10 + static_cast<int>(i % 90)}});
    }
  }

  // ---- inspections and findings ----

  void inspections_day(int day, Timestamp morning) {
    for (int c = 0; c < options_.counties; ++c) {
      const County& county = counties_[c];
      const int per_day = std::max<int>(1, static_cast<int>(county.institutions.size()) / 100);
      for (int k = 0; k < per_day; ++k) {
        if ((day + c + k) % 2 != 0) continue;  // every other day
        const std::string id = "INS-" + county.id + "-" + std::to_string(day + 1) + "-" + std::to_string(k + 1);
        const auto mode = static_cast<InspectionMode>((day / 2 + c + k) % 5);
        plan_inspection(c, id, mode, morning);
      }
    }
  }

  void plan_inspection(int c, const std::string& id, InspectionMode mode, Timestamp morning) {
    const County& county = counties_[c];
    Json fields = {{"inspection_id", id}, {"mode", std::string(to_string(mode))}, {"county", county.id},
                   {"agencies", Json::array({"县消防救援大队", "县应急管理局"})}};
    std::vector<std::string> inspected;
    std::vector<std::string> inspectors;
    const std::uint32_t count = static_cast<std::uint32_t>(std::min<std::size_t>(3, county.institution_ids.size()));
    if (mode == InspectionMode::spot_check || mode == InspectionMode::unannounced) {
      // 双随机: institutions and inspectors both drawn, reproducibly.
      const std::uint64_t seed = rng_();
      const std::uint64_t inspector_seed = rng_();
      inspected = double_random_draw(county.institution_ids, count, seed);
      inspectors = double_random_draw(county.inspectors, 2, inspector_seed);
      fields["draw"] = {{"count", count}, {"seed", seed}};
      fields["inspector_draw"] = {{"pool", county.inspectors}, {"count", 2}, {"seed", inspector_seed}};
    } else {
      for (std::uint32_t n = 0; n < count; ++n) {
        inspected.push_back(county.institution_ids[rng_() % county.institution_ids.size()]);
      }
      std::sort(inspected.begin(), inspected.end());
      inspected.erase(std::unique(inspected.begin(), inspected.end()), inspected.end());
      inspectors = {county.inspectors[rng_() % county.inspectors.size()]};
      fields["institutions"] = inspected;
      fields["inspectors"] = inspectors;
    }
    const Timestamp planned = later(morning, 0, 30 * kMinute);
    command(planned, "PlanInspection", actor_county(c), fields);
    const Timestamp started(planned.value() + kHour);
    command(started, "StartInspection", actor_inspector(inspectors.front()), {{"inspection_id", id}});
    const HazardSource source = mode == InspectionMode::self ? HazardSource::self_inspection
                                : mode == InspectionMode::spot_check ? HazardSource::spot_check
                                : mode == InspectionMode::joint ? HazardSource::joint_inspection
                                : mode == InspectionMode::unannounced ? HazardSource::unannounced_inspection
                                                                      : HazardSource::revisit;
    int findings = 0;
    for (const auto& institution_id : inspected) {
      const int institution = index_of(institution_id);
      const int n = static_cast<int>(rng_() % 4);  // 0-3 findings
      for (int f = 0; f < n; ++f) {
        const Timestamp at = later(started, 30 * kMinute, 5 * kHour);
        const Json reporter = mode == InspectionMode::self ? actor_staff(institution)
                                                           : actor_inspector(inspectors.front());
        report(at, reporter, institution, random_category(), source, id);
        ++findings;
      }
    }
    command(Timestamp(started.value() + 7 * kHour), "CompleteInspection", actor_inspector(inspectors.front()),
            {{"inspection_id", id}, {"summary", "检查发现隐患" + std::to_string(findings) + "处"}});
  }

  int index_of(const std::string& institution_id) const {
    return std::stoi(institution_id.substr(2)) - 1;
  }

  Category random_category() { return static_cast<Category>(rng_() % 12); }

  void submitted(HazardSim& h, Timestamp at) {
    if (h.major) return;  // listed at city level already: whatever it climbs changes nothing
    const int climbed = rungs_climbed(h.due, at);
    h.escalation = static_cast<EscalationLevel>(
        std::min(static_cast<int>(h.escalation) + climbed, static_cast<int>(EscalationLevel::government)));
  }

  void self_reports_day(int day, Timestamp morning) {
    for (std::size_t i = 0; i < institutions_.size(); ++i) {
      if (uniform() < 0.02) {
        report(later(morning, 0, 8 * kHour), actor_staff(static_cast<int>(i)), static_cast<int>(i),
               random_category(), HazardSource::self_inspection, std::nullopt);
      }
    }
    // A systemic cluster every week: the same category at four institutions of one county.
    if (day % 7 == 3) {
      const int c = (day / 7) % options_.counties;
      const auto& ids = counties_[c].institutions;
      for (std::size_t k = 0; k < std::min<std::size_t>(4, ids.size()); ++k) {
        report(later(morning, 0, 8 * kHour), actor_staff(ids[k]), ids[k], Category::gas,
               HazardSource::self_inspection, std::nullopt);
      }
    }
  }

  void report(Timestamp at, Json actor, int institution, Category category, HazardSource source,
              const std::optional<std::string>& inspection_id) {
    HazardSim hazard;
    hazard.id = "H-" + std::to_string(hazards_.size() + 1);
    hazard.institution = institution;
    Json fields = {{"hazard_id", hazard.id}, {"institution_id", institutions_[institution].id},
                   {"category", std::string(to_string(category))},
                   {"description", kFindings[static_cast<int>(category)]},
                   {"source", std::string(to_string(source))}};
    if (inspection_id) fields["inspection_id"] = *inspection_id;
    if (uniform() < 0.6) {
      fields["evidence"] = Json::array({{{"name", hazard.id + ".jpg"}, {"format", "jpg"}, {"width", 1600}, {"height", 1200}}});
    }
    command(at, "ReportHazard", std::move(actor), fields);
    hazards_.push_back(std::move(hazard));
    ++counts_->hazards;
    schedule(later(at, kHour, 26 * kHour), Step::classify, hazards_.size() - 1);
  }

  void public_reports_day(int day, Timestamp morning) {
    reports_before_today_ = reports_.size();
    for (int c = 0; c < options_.counties; ++c) {
      if (uniform() > 0.7) continue;
      Report r;
      r.id = "R-" + std::to_string(reports_.size() + 1);
      const auto& ids = counties_[c].institutions;
      r.institution = uniform() < 0.9 ? ids[rng_() % ids.size()] : -1;
      Json fields = {{"report_id", r.id}, {"channel", std::string(to_string(static_cast<ReportChannel>(rng_() % 3)))},
                     {"description", "随手拍：" + std::string(kFindings[rng_() % 12])},
                     {"media", Json::array({{{"name", "photo.jpg"}, {"format", "jpg"}, {"width", 640}, {"height", 480}}})}};
      if (r.institution >= 0) fields["institution_id"] = institutions_[r.institution].id;
      if (uniform() < 0.7) fields["contact"] = "139" + std::to_string(10000000 + rng_() % 89999999);
      if (uniform() < 0.2) fields["volunteer_id"] = "V-" + std::to_string(1 + rng_() % 5);
      const Timestamp at = later(morning, 0, 10 * kHour);
      command(at, "ReportByPublic", Json{{"id", "citizen-" + std::to_string(day) + "-" + std::to_string(c)}, {"role", "public"}}, fields);
      reports_.push_back(r);
      schedule(later(at, 2 * kHour, 30 * kHour), Step::triage, reports_.size() - 1);
    }
  }

  Json bureau_for(const Report& r) const {
    return r.institution >= 0 ? actor_county(institutions_[r.institution].county) : actor_city();
  }

  // ---- lifecycles ----

  void perform(const Action& a) {
    if (a.step == Step::triage || a.step == Step::publish) return perform_report(a);
    HazardSim& h = hazards_[a.subject];
    const int county = institutions_[h.institution].county;
    const Json hazard_id = {{"hazard_id", h.id}};
    auto with = [&](Json extra) {
      Json fields = hazard_id;
      for (auto& [k, v] : extra.items()) fields[k] = v;
      return fields;
    };
    switch (a.step) {
      case Step::classify: {
        if (uniform() < 0.03) {
          command(a.at, "DismissHazard", actor_county(county), with({{"reason", "经核实不构成隐患"}}));
          return;
        }
        h.major = uniform() < 0.12;
        h.classified_at = a.at;
        command(a.at, "ClassifyHazard", actor_county(county),
                with({{"severity", h.major ? "major" : "general"}, {"systemic", false}}));
        // major-listing: the same commit lists a major hazard at city level.
        if (h.major) h.listed = ListingLevel::city;
        if (uniform() < 0.05) return;  // never fixed
        if (h.major) {
          // The plan is due 3 days after classification; a late one is planned on days 4-6,
          // after the county bureau granted (half the time) more time to plan.
          const bool late = uniform() < 0.2;
          schedule(later(a.at, late ? 4 * kDay : kDay, late ? 6 * kDay : 2 * kDay), Step::plan, a.subject);
          if (late && uniform() < 0.5) {
            schedule(later(a.at, 2 * kDay, 2 * kDay + 20 * kHour), Step::extend_plan, a.subject);
          }
          // A small share cannot fix it alone: assistance, long before any verification.
          if (uniform() < 0.15) schedule(later(a.at, 5 * kDay, 5 * kDay + 4 * kHour), Step::assistance, a.subject);
        } else {
          // A general hazard listed by its bureau is at county level already: it is never
          // late (a miss would escalate it to city). A late one is submitted 1-6 days after
          // its deadline (one rung, to county, under daily ticks; never the still-overdue
          // step to city) unless the bureau extended it first.
          const bool listed = uniform() < 0.05;
          const bool late = !listed && uniform() < 0.15;
          const bool planned = uniform() < 0.3;
          h.deadline = h.due = Timestamp(a.at.value() + 7 * kDay - (planned ? kHour : 0));
          if (planned) schedule(later(a.at, 2 * kHour, kDay), Step::plan, a.subject);
          if (late && uniform() < 0.3) schedule(later(a.at, 5 * kDay, 6 * kDay), Step::extend, a.subject);
          if (listed) schedule(later(a.at, kHour, 20 * kHour), Step::list, a.subject);
          if (uniform() < 0.5) schedule(later(a.at, 2 * kHour, kDay), Step::progress, a.subject);
          schedule(late ? later(h.deadline, kDay, 6 * kDay - kMinute) : later(a.at, kDay + 4 * kHour, 6 * kDay),
                   Step::submit, a.subject);
        }
        return;
      }
      case Step::plan: {
        h.has_plan = true;
        if (h.major) {
          // Within the rectification limit (classified + 90 days); the submission comes 1-5
          // days before it, so at least 9 days after classification.
          const Timestamp deadline = later(h.classified_at, 14 * kDay, 80 * kDay);
          command(a.at, "PlanRectification", actor_staff(h.institution),
                  with({{"responsible", "院长"}, {"plan", "制定整改方案，更换老化设施"},
                        {"funding", {{"amount", 5000 + static_cast<int>(rng_() % 200000)}, {"source", "财政专项"}}},
                        {"interim_measures", "设置警示标志，专人值守"},
                        {"deadline", format_instant(deadline)}}));
          // Progress on a day between the plan and the submission (at least 3 days apart).
          const Timestamp submit_at(deadline.value() - between(1, 5) * kDay);
          const std::int64_t progress_within =
              std::min<std::int64_t>(10 * kDay, submit_at.value() - kHour - a.at.value());
          schedule(later(a.at, kDay, progress_within), Step::progress, a.subject);
          schedule(submit_at, Step::submit, a.subject);
        } else {
          // An hour before the rectification deadline (classified + 7 days): set on
          // classification, so the submission was timed against it.
          command(a.at, "PlanRectification", actor_staff(h.institution),
                  with({{"responsible", "后勤主任"}, {"deadline", format_instant(h.deadline)}}));
        }
        return;
      }
      case Step::progress:
        command(a.at, "RecordProgress", actor_staff(h.institution), with({{"note", "整改进行中"}}));
        return;
      case Step::assistance:
        command(a.at, "RequestAssistance", actor_staff(h.institution), with({{"reason", "整改资金缺口较大，需政府协调"}}));
        return;
      case Step::extend:
        // A general hazard's rectification deadline (classified + 7 days, or its plan's a
        // little earlier), extended on day 5-6 to day 20: after the command and later than
        // the active deadline. The late submission (8-13 days) is then in time.
        h.deadline = h.due = Timestamp(h.classified_at.value() + 20 * kDay);
        command(a.at, "ExtendDeadline", actor_county(county),
                with({{"new_deadline", format_instant(h.deadline)}, {"reason", "配件采购周期长"}}));
        return;
      case Step::extend_plan:
        // A major hazard without a plan: its active deadline is the plan deadline
        // (classified + 3 days), extended on day 2 to day 7, before the late plan arrives.
        command(a.at, "ExtendDeadline", actor_county(county),
                with({{"new_deadline", format_instant(Timestamp(h.classified_at.value() + 7 * kDay))},
                      {"reason", "整改方案需专家论证"}}));
        return;
      case Step::list:
        h.listed = ListingLevel::county;
        h.escalation = std::max(h.escalation, EscalationLevel::county);
        command(a.at, "ListHazard", actor_county(county),
                with({{"level", "county"}, {"reason", "群众反映强烈，县局挂牌督办"}}));
        return;
      case Step::delist: {
        // Delisted where it is listed: a city listing only by the city bureau.
        const ListingLevel level = h.listed.value_or(ListingLevel::county);
        h.listed.reset();
        command(a.at, "DelistHazard", level == ListingLevel::city ? actor_city() : actor_county(county),
                with({{"level", std::string(to_string(level))}}));
        schedule(later(a.at, kHour, 4 * kHour), Step::close, a.subject);
        return;
      }
      case Step::submit:
        submitted(h, a.at);
        command(a.at, "SubmitRectification", actor_staff(h.institution),
                with({{"evidence", Json::array({{{"name", "after.jpg"}, {"format", "jpg"}, {"width", 1600}, {"height", 1200}}})}}));
        schedule(later(a.at, kDay, 3 * kDay), Step::verify, a.subject);
        return;
      case Step::verify: {
        bool passed = uniform() > 0.12 || h.verifications_failed > 0;
        // Reworked and resubmitted 2-4 days later. A failed verification reopens the hazard
        // and re-arms deadline-missed at its deadline or now, whichever is later, so a
        // general hazard fails only when the resubmission keeps it below city: never one
        // that was late (already at county), a listed one only well before its deadline.
        std::int64_t resubmit_within = 4 * kDay;
        if (!passed && !h.major) {
          const Timestamp due = std::max(h.deadline, a.at);
          const int left = rungs_left(h);
          if (left >= 0) {
            resubmit_within = std::min(resubmit_within,
                                       submit_before(due, left).value() - kMinute - a.at.value());
          }
          if (left < 0 || resubmit_within < 2 * kDay) {
            passed = true;
          } else {
            h.due = due;
          }
        }
        command(a.at, "VerifyRectification", actor_county(county),
                with({{"passed", passed}, {"note", passed ? "复查合格" : "整改不到位，需返工"}}));
        if (passed) {
          // CloseHazard needs no active listing (SPEC §3): delist first if listed.
          schedule(later(a.at, 2 * kHour, kDay), h.listed ? Step::delist : Step::close, a.subject);
        } else {
          ++h.verifications_failed;
          schedule(later(a.at, 2 * kDay, resubmit_within), Step::submit, a.subject);
        }
        return;
      }
      case Step::close:
        command(a.at, "CloseHazard", actor_county(county), hazard_id);
        return;
      default:
        return;
    }
  }

  void perform_report(const Action& a) {
    const Report& r = reports_[a.subject];
    if (a.step == Step::publish) {
      command(a.at, "PublishPublicReport", bureau_for(r), {{"report_id", r.id}, {"summary", "已核实处理，感谢监督"}});
      return;
    }
    const double roll = uniform();
    if (r.institution >= 0 && roll < 0.5) {
      HazardSim hazard;
      hazard.id = "H-" + std::to_string(hazards_.size() + 1);
      hazard.institution = r.institution;
      command(a.at, "TriagePublicReport", bureau_for(r),
              {{"report_id", r.id}, {"decision", "accept"}, {"hazard_id", hazard.id},
               {"category", std::string(to_string(random_category()))}});
      hazards_.push_back(std::move(hazard));
      ++counts_->hazards;
      schedule(later(a.at, kHour, 20 * kHour), Step::classify, hazards_.size() - 1);
    } else if (roll < 0.7 && reports_before_today_ > 0 && a.subject >= reports_before_today_) {
      // A duplicate of a report received on an earlier day (so it is already on record).
      command(a.at, "TriagePublicReport", bureau_for(r),
              {{"report_id", r.id}, {"decision", "duplicate"},
               {"duplicate_of", reports_[rng_() % reports_before_today_].id}});
    } else {
      command(a.at, "TriagePublicReport", bureau_for(r),
              {{"report_id", r.id}, {"decision", "reject"}, {"reason", "不属于民政服务机构安全隐患"}});
    }
    schedule(later(a.at, kDay, 2 * kDay), Step::publish, a.subject);
  }

  struct PendingCommand {
    Timestamp at;
    std::uint64_t sequence;
    Json command;
  };

  SimulationOptions options_;
  const std::function<void(const Json&)>& emit_;
  SimulationCounts* counts_;
  std::mt19937_64 rng_;
  Timestamp start_;
  Timestamp end_;
  std::uint64_t sequence_ = 0;
  std::vector<County> counties_;
  std::vector<Institution> institutions_;
  std::vector<HazardSim> hazards_;
  std::vector<Report> reports_;
  std::size_t reports_before_today_ = 0;
  std::priority_queue<Action, std::vector<Action>, std::greater<>> actions_;
  std::vector<PendingCommand> day_;
};

}  // namespace

Status simulate_city(const SimulationOptions& options,
                     const std::function<void(const nlohmann::ordered_json&)>& emit,
                     SimulationCounts* counts) {
  SimulationCounts ignored;
  Simulator simulator(options, emit, counts != nullptr ? counts : &ignored);
  return simulator.run();
}

}  // namespace redline
