@digital
Feature: Digital and data across the integrated care system
  The white paper sets digital targets for each integrated care system: a fully costed plan for
  digital investment by June 2022, 80% of CQC-registered social care providers using a digital
  social care record by March 2024, every health and care provider connected to a shared care
  record by 2024, and a population health platform with care coordination by 2025.
  These are facts about the system. Each place of the system shows its system's verdict, and a
  system that misses a target makes each of its places non-compliant once the target is due
  (decisions AMB-10, AMB-29). Before a deadline the criterion is "not yet due", and the report
  says whether it would be met today.

  Background:
    Given a place that meets every national expectation

  # ----------------------------------------------------------- DIG-1 shared care record

  @DIG-1
  Scenario Outline: Before the end of 2024 the report says how the shared care record stands
    Given the shared care record connects <connected> of 140 providers
    When its arrangements are assessed on 30 September 2023
    Then criterion DIG-1 is not yet due and <today> met today

    Examples:
      | connected | today        |
      | 140       | would be     |
      | 131       | would not be |

  @DIG-1
  Scenario Outline: After the end of 2024 every provider must be connected (decision AMB-10)
    Given the shared care record connects <connected> of 140 providers
    When its arrangements are assessed on 1 January 2025
    Then criterion DIG-1 is <outcome>

    Examples:
      | connected | outcome |
      | 140       | met     |
      | 139       | not met |
      | 131       | not met |

  @DIG-1
  Scenario: The explanation says how many providers are not connected
    Given the shared care record connects 131 of 140 providers
    When its arrangements are assessed on 1 January 2025
    Then criterion DIG-1 is not met
    And the explanation names "9 not connected"
    And the place is not compliant

  @DIG-1
  Scenario: A system with no shared care record in operation
    Given the system operates no shared care record
    When its arrangements are assessed on 1 January 2025
    Then criterion DIG-1 is not met

  # ----------------------------------------------------------- DIG-2 digital social care records

  @DIG-2
  Scenario Outline: Before April 2024 the report says how adoption stands
    Given <with record> of 300 social care providers use a digital record
    When its arrangements are assessed on 30 September 2023
    Then criterion DIG-2 is not yet due and <today> met today

    Examples:
      | with record | today        |
      | 246         | would be     |
      | 200         | would not be |

  @DIG-2
  Scenario Outline: From April 2024 at least 80% of social care providers use a digital record
    Given <with record> of 300 social care providers use a digital record
    When its arrangements are assessed on 1 April 2024
    Then criterion DIG-2 is <outcome>

    Examples:
      | with record | outcome | share     |
      | 246         | met     | 82%       |
      | 240         | met     | 80% exact |
      | 239         | not met | under 80% |

  # ----------------------------------------------------------- DIG-3 population health platform

  @DIG-3
  Scenario: Before 2026 a platform planned for later would not be met today
    Given the population health platform goes live on 1 March 2025
    When its arrangements are assessed on 30 September 2023
    Then criterion DIG-3 is not yet due and would not be met today

  @DIG-3
  Scenario: Before 2026 a live platform would be met today
    When its arrangements are assessed on 30 September 2023
    Then criterion DIG-3 is not yet due and would be met today

  @DIG-3
  Scenario Outline: From 2026 the platform must be live
    Given the population health platform went live on <live on>
    When its arrangements are assessed on <assessed on>
    Then criterion DIG-3 is <outcome>

    Examples:
      | live on          | assessed on      | outcome     | note                                    |
      | 3 July 2023      | 1 January 2026   | met         |                                         |
      | 31 December 2025 | 30 December 2025 | not yet due | the day before the deadline             |
      | 31 December 2025 | 31 December 2025 | met         | live on the day it is due               |
      | 31 December 2025 | 1 January 2026   | met         |                                         |
      | 1 March 2026     | 1 January 2026   | not met     | not live yet                            |
      | 1 March 2026     | 1 June 2026      | met         | live two months late, met since then    |

  @DIG-3
  Scenario: A platform that went live two weeks late is met late, not failed for ever
    Given the population health platform went live on 15 January 2026
    When its arrangements are assessed on 1 June 2026
    Then criterion DIG-3 was met late, on 15 January 2026
    And the explanation names "Met late, on 15 January 2026, after its due date of 31 December 2025"

  @DIG-5
  Scenario: A digital investment plan made two years late is met, and the report says so
    Given the system's fully costed digital investment plan is dated 30 June 2024
    When its arrangements are assessed on 30 September 2024
    Then criterion DIG-5 was met late, on 30 June 2024
    And the explanation names "after its due date of 30 June 2022"

  @DIG-3
  Scenario: A platform without care coordination
    Given the population health platform has no care coordination
    When its arrangements are assessed on 1 January 2026
    Then criterion DIG-3 is not met

  # ----------------------------------------------------------- DIG-5 digital investment plan

  @DIG-5
  Scenario Outline: A fully costed digital investment plan
    Given the system's fully costed digital investment plan is dated <dated>
    When its arrangements are assessed on 30 September 2023
    Then criterion DIG-5 is <outcome>

    Examples:
      | dated          | outcome | note                                   |
      | 30 May 2022    | met     | on time                                |
      | 1 October 2022 | met     | late, but in place on the day assessed |
      | 1 October 2023 | not met | not yet agreed on the day assessed     |

  @DIG-5
  Scenario: A system that has not stated when its plan was agreed
    Given the declaration does not state "system.digital.digital_investment_plan_on"
    When its arrangements are assessed on 30 September 2023
    Then criterion DIG-5 is not met
    And the explanation names "Not declared"

  @DIG-5
  Scenario: Before July 2022 the plan is not yet due
    When its arrangements are assessed on 1 March 2022
    Then criterion DIG-5 is not yet due and would not be met today
