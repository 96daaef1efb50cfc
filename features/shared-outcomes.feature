@shared-outcomes
Feature: Shared outcomes that are live and reported on
  From April 2023 every place is expected to work to a set of shared outcomes: national priority
  outcomes from the national framework together with local priorities that the partners agree.
  The outcomes go live from April 2023 and reporting against them is mandatory. No report can
  exist on the day the outcomes go live, so the first report is expected by 31 March 2024, the
  end of the first year; from then on the place needs a report whose period ended within the
  last 15 months. These expectations apply to every place, whatever its governance model, and
  also to a place that is its system's only place (decisions AMB-2, AMB-12, AMB-13, corrections
  v1.1).

  A report counts (is valid) when its period was over by the day it was submitted, it was
  submitted by the day of assessment, and its period ends after the outcomes went live. The
  alternative criterion OUT-1 uses the same definition.

  Background:
    Given a place that meets every national expectation

  @OUT-2 @OUT-3 @OUT-4
  Scenario: National and local outcomes, live since April and reported on
    When its arrangements are assessed on 30 June 2024
    Then criterion OUT-2 is met
    And criterion OUT-3 is met
    And criterion OUT-4 is met
    And the place is compliant

  @OUT-4
  Scenario: In the first year of shared outcomes a report is not yet due
    Given no report against the shared outcomes has been submitted
    When its arrangements are assessed on 1 April 2023
    Then criterion OUT-3 is met
    And criterion OUT-4 is not yet due and would not be met today

  @OUT-4
  Scenario Outline: The first report is due by the end of March 2024
    Given no report against the shared outcomes has been submitted
    When its arrangements are assessed on <day>
    Then criterion OUT-4 is <outcome>

    Examples:
      | day           | outcome     |
      | 30 March 2024 | not yet due |
      | 31 March 2024 | not met     |
      | 1 April 2024  | not met     |

  @OUT-2
  Scenario Outline: The outcomes need both national and local priorities (decision AMB-13)
    Given every shared outcome is a <priority> priority
    When its arrangements are assessed on 30 September 2023
    Then criterion OUT-2 is not met
    And the explanation names "<missing>"
    And the place is not compliant

    Examples:
      | priority | missing      |
      | national | 0 local      |
      | local    | 0 national   |

  @OUT-2
  Scenario: Only outcomes that are live count
    Given the shared outcomes went live on 1 November 2023
    When its arrangements are assessed on 30 September 2023
    Then criterion OUT-2 is not met
    And the explanation names "not live yet"

  @OUT-3
  Scenario Outline: When the outcomes went live
    Given the shared outcomes went live on <live from>
    When its arrangements are assessed on 30 September 2023
    Then criterion OUT-3 is <outcome>

    Examples:
      | live from       | outcome | note                                       |
      | 1 April 2023    | met     | on time                                    |
      | 1 June 2023     | met     | late, but live on the day of assessment    |
      | 1 November 2023 | not met | not live yet on the day of assessment      |

  @OUT-3
  Scenario: Outcomes that went live late are met, and the report says when
    Given the shared outcomes went live on 1 June 2023
    When its arrangements are assessed on 30 September 2023
    Then criterion OUT-3 was met late, on 1 June 2023
    And the explanation names "Met late, on 1 June 2023, after its due date of 1 April 2023"

  @OUT-3
  Scenario: Outcomes live on time
    When its arrangements are assessed on 30 September 2023
    Then criterion OUT-3 was met on time

  @OUT-3
  Scenario: Before April 2023 the criterion is not yet due
    When its arrangements are assessed on 1 March 2023
    Then criterion OUT-3 is not yet due and would not be met today

  @OUT-3
  Scenario: A place that has declared no shared outcomes
    Given the place has no shared outcomes
    When its arrangements are assessed on 30 June 2024
    Then criterion OUT-3 is not met
    And criterion OUT-2 is not met
    And criterion OUT-4 is not met

  @OUT-4
  Scenario: No report has been submitted
    Given no report against the shared outcomes has been submitted
    When its arrangements are assessed on 30 June 2024
    Then criterion OUT-4 is not met
    And the remedy names "report"

  @OUT-4
  Scenario Outline: Which reports count (decision AMB-12)
    Given the place reported on the shared outcomes for the period to <period end> on <submitted>
    When its arrangements are assessed on <day>
    Then criterion OUT-4 is <outcome>

    Examples: a report counts when its period was over when it was submitted, it was submitted by the day of assessment, and its period ends after the outcomes went live and within the last 15 months
      | period end        | submitted         | day               | outcome | note                                      |
      | 30 June 2023      | 21 July 2023      | 30 June 2024      | met     |                                           |
      | 31 March 2024     | 31 March 2024     | 30 June 2024      | met     | submitted the day its period ends         |
      | 31 March 2023     | 20 April 2023     | 30 June 2024      | not met | a period before the outcomes went live    |
      | 30 June 2023      | 20 October 2024   | 30 June 2024      | not met | submitted after the day of assessment     |
      | 31 December 2030  | 1 May 2024        | 30 June 2024      | not met | a period not over when submitted          |
      | 30 June 2023      | 21 July 2023      | 30 September 2024 | met     | exactly 15 months old                     |
      | 30 June 2023      | 21 July 2023      | 1 October 2024    | not met | 15 months and a day old                   |

  @OUT-4
  Scenario: A single report does not count for ever
    When its arrangements are assessed on 30 June 2026
    Then criterion OUT-4 is not met
    And the explanation names "15 months"
    And the place is not compliant

  @OUT-4
  Scenario: Reporting every year keeps the place compliant
    Given the place also reported on the shared outcomes for the period to 31 March 2024 on 30 April 2024
    And the place also reported on the shared outcomes for the period to 31 March 2025 on 30 April 2025
    When its arrangements are assessed on 30 June 2026
    Then criterion OUT-4 is met
    And criterion OUT-4 was met on time

  @OUT-4
  Scenario: A first report submitted after the end of March 2024 is met late
    Given the place reported on the shared outcomes for the period to 31 March 2024 on 30 April 2024
    When its arrangements are assessed on 30 June 2024
    Then criterion OUT-4 was met late, on 30 April 2024

  @OUT-1 @OUT-4
  Scenario: OUT-1 and OUT-4 agree on which reports count
    Given the place uses the alliance model
    And the place reported on the shared outcomes for the period to 31 March 2023 on 20 April 2023
    When its arrangements are assessed on 30 June 2024
    Then criterion OUT-1 is not met
    And the explanation names "OUT-4"
    And criterion OUT-4 is not met

  @OUT-1 @OUT-4
  Scenario: A place on another model meets OUT-1 from the day its outcomes go live
    Given the place uses the alliance model
    And no report against the shared outcomes has been submitted
    When its arrangements are assessed on 30 June 2023
    Then criterion OUT-1 is met
    And criterion OUT-4 is not yet due and would not be met today
    And the place is compliant

  @OUT-2 @OUT-3 @OUT-4
  Scenario: A single-place system is still expected to have shared outcomes (decision AMB-2)
    Given its system has 1 place
    And the place has no shared outcomes
    When its arrangements are assessed on 30 June 2024
    Then criterion OUT-2 is not met
    And criterion OUT-3 is not met
    And criterion OUT-4 is not met
    And criterion OUT-1 is not applicable
