@shared-outcomes
Feature: Shared outcomes that are live and reported on
  From April 2023 every place is expected to work to a set of shared outcomes: national priority
  outcomes from the national framework together with local priorities that the partners agree.
  The outcomes go live from April 2023 and reporting against them is mandatory. These
  expectations apply to every place, whatever its governance model, and also to a place that is
  its system's only place (decisions AMB-2, AMB-12, AMB-13).

  Background:
    Given a place that meets every national expectation

  @OUT-2 @OUT-3 @OUT-4
  Scenario: National and local outcomes, live since April and reported on
    When its arrangements are assessed on 30 September 2023
    Then criterion OUT-2 is met
    And criterion OUT-3 is met
    And criterion OUT-4 is met

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
  Scenario: Before April 2023 the criterion is not yet due
    When its arrangements are assessed on 1 March 2023
    Then criterion OUT-3 is not yet due and would not be met today

  @OUT-3
  Scenario: A place that has declared no shared outcomes
    Given the place has no shared outcomes
    When its arrangements are assessed on 30 September 2023
    Then criterion OUT-3 is not met
    And criterion OUT-2 is not met
    And criterion OUT-4 is not met

  @OUT-4
  Scenario: No report has been submitted
    Given no report against the shared outcomes has been submitted
    When its arrangements are assessed on 30 September 2023
    Then criterion OUT-4 is not met
    And the remedy names "report"

  @OUT-4
  Scenario Outline: Which reports count (decision AMB-12)
    Given the place reported on the shared outcomes for the period to <period end> on <submitted>
    When its arrangements are assessed on 30 September 2023
    Then criterion OUT-4 is <outcome>

    Examples: a report counts when it is submitted by the day of assessment, for a period after the outcomes went live
      | period end    | submitted       | outcome |
      | 30 June 2023  | 21 July 2023    | met     |
      | 31 March 2023 | 20 April 2023   | not met |
      | 30 June 2023  | 20 October 2023 | not met |

  @OUT-1 @OUT-4
  Scenario: A report on the period before the outcomes went live counts for OUT-1 but not for OUT-4
    The alternative criterion OUT-1 asks only that a report was submitted; OUT-4 asks for a
    report on a period after the outcomes went live. This scenario records the difference.
    Given the place uses the alliance model
    And the place reported on the shared outcomes for the period to 31 March 2023 on 20 April 2023
    When its arrangements are assessed on 30 September 2023
    Then criterion OUT-1 is met
    And criterion OUT-4 is not met

  @OUT-2 @OUT-3 @OUT-4
  Scenario: A single-place system is still expected to have shared outcomes (decision AMB-2)
    Given its system has 1 place
    And the place has no shared outcomes
    When its arrangements are assessed on 30 September 2023
    Then criterion OUT-2 is not met
    And criterion OUT-3 is not met
    And criterion OUT-4 is not met
    And criterion OUT-1 is not applicable
