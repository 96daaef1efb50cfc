@alternative-criteria
Feature: The criteria for places that do not use the place board model
  A place that chooses another model (an alliance, a shared executive, a joint committee …)
  must meet all of the white paper's criteria instead (decision AMB-3): a shared plan, delivery
  against shared outcomes underpinned by pooled or aligned budgets, ways to manage risk and to
  resolve disagreements, and a clear decision-making structure.

  Background:
    Given the place described in "examples/riverside.yaml"
    And the place uses the alliance model

  @GOV-1 @GOV-5 @PLAN-1 @POOL-1 @RISK-1
  Scenario: An alliance that lacks some criteria does not meet the governance expectation
    When its arrangements are assessed on 30 September 2023
    Then criterion GOV-1 is not met
    And the explanation names "RISK-1"
    And criterion GOV-5 is not met
    And the explanation names "RISK-1"
    And criterion RISK-1 is not met
    And the explanation names "risk_management"
    And the place is not compliant

  @GOV-1 @GOV-5 @PLAN-1 @OUT-1 @POOL-1 @RISK-1 @DISP-1 @DEC-1
  Scenario: An alliance that meets every criterion meets the governance expectation
    Given a place that meets every national expectation
    And the place uses the alliance model
    When its arrangements are assessed on 30 September 2023
    Then criterion PLAN-1 is met
    And criterion OUT-1 is met
    And criterion POOL-1 is met
    And criterion RISK-1 is met
    And criterion DISP-1 is met
    And criterion DEC-1 is met
    And criterion GOV-5 is met
    And criterion GOV-1 is met

  @PLAN-1
  Scenario: A shared plan the ICB has not agreed
    Given a place that meets every national expectation
    And the place uses the joint committee model
    And the shared plan was agreed by "Northshire County Council"
    When its arrangements are assessed on 30 September 2023
    Then criterion PLAN-1 is not met
    And the explanation names "Integrated Care Board"

  @OUT-1 @DISP-1 @DEC-1
  Scenario Outline: A missing part of the arrangements
    Given a place that meets every national expectation
    And the place uses the shared executive model
    And the place has no <part>
    When its arrangements are assessed on 30 September 2023
    Then criterion <criterion> is not met

    Examples:
      | part                               | criterion |
      | shared outcomes                    | OUT-1     |
      | disagreement resolution mechanism  | DISP-1    |
      | written decision-making structure  | DEC-1     |

  @POOL-1
  Scenario: Budgets that underpin no shared outcome
    Given a place that meets every national expectation
    And the place uses the alliance model
    And no budget line underpins a shared outcome
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-1 is not met

  @POOL-1
  Scenario Outline: A budget line with no money in it does not underpin the outcomes
    Given a place that meets every national expectation
    And the place uses the alliance model
    And the "Better Care Fund" budget line holds <amount>
    And the "Community health and public health prevention" budget line holds £0
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-1 is <outcome>

    Examples:
      | amount | outcome |
      | £0     | not met |
      | £1     | met     |

  @PLAN-1
  Scenario: A shared plan needs the agreement of a council with social care duties
    Given a place that meets every national expectation
    And the place uses the alliance model
    And the place's councils are:
      | name                      | tier  |
      | Eastmoor District Council | lower |
    And the shared plan was agreed by the ICB and "Eastmoor District Council"
    When its arrangements are assessed on 30 September 2023
    Then criterion PLAN-1 is not met
    And the explanation names "No council with social care duties"

  @PLAN-1 @RISK-1 @DISP-1
  Scenario: Arrangements agreed and published before the deadline were met on time
    Given a place that meets every national expectation
    And the place uses the alliance model
    When its arrangements are assessed on 30 September 2023
    Then criterion PLAN-1 was met on time
    And criterion RISK-1 was met on time
    And criterion DISP-1 was met on time

  @PLAN-1 @RISK-1
  Scenario: Under the place board model the alternative criteria do not apply (decision AMB-4)
    Given a place that meets every national expectation
    And the place uses the place board model
    And the place has no risk management mechanism
    When its arrangements are assessed on 30 September 2023
    Then criterion RISK-1 is not applicable
    And criterion PLAN-1 is not applicable
    And criterion GOV-5 is not applicable
