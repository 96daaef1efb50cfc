@governance-model
Feature: The place board model, or an equivalent that meets the criteria
  Places are expected to adopt the illustrative place board model, to which the ICB delegates
  functions and budget, or another model that meets the white paper's criteria, by April 2023.
  A small system made of a single place is not expected to do so (decision AMB-2).

  Background:
    Given a place that meets every national expectation

  @GOV-1 @GOV-2
  Scenario: A place board with functions and budget delegated by the ICB
    Given the place uses the place board model
    And the ICB delegated functions and budget to the place
    When its arrangements are assessed on 30 September 2023
    Then criterion GOV-2 is met
    And criterion GOV-1 is met
    And the place is compliant

  @GOV-1 @GOV-2
  Scenario Outline: A place board without full delegation does not meet the model
    Given the place uses the place board model
    And the ICB delegated <what> to the place
    When its arrangements are assessed on 30 September 2023
    Then criterion GOV-2 is not met
    And criterion GOV-1 is not met
    And the explanation names "GOV-2"

    Examples:
      | what                         |
      | functions but not budget     |
      | budget but not functions     |
      | neither functions nor budget |

  @GOV-2
  Scenario: Delegation to a place board is not asked of other models (decision AMB-4)
    Given the place uses the alliance model
    When its arrangements are assessed on 30 September 2023
    Then criterion GOV-2 is not applicable

  @GOV-1 @GOV-2 @GOV-3
  Scenario: A single-place system is not expected to adopt the model (decision AMB-2)
    Given its system has 1 place
    And the ICB delegated neither functions nor budget to the place
    When its arrangements are assessed on 30 September 2023
    Then criterion GOV-3 is met
    And the explanation names "Exemption in force"
    And criterion GOV-1 is not applicable
    And criterion GOV-2 is not applicable
    And the place is compliant

  @GOV-3
  Scenario: The single-place exemption does not apply in a system of several places
    Given its system has 3 places
    When its arrangements are assessed on 30 September 2023
    Then criterion GOV-3 is not applicable
    And the explanation names "expected to meet GOV-1"

  @GOV-3 @SAP-1
  Scenario: The exemption does not cover the accountable person (decision AMB-2)
    Given its system has 1 place
    And no accountable person is named
    When its arrangements are assessed on 30 September 2023
    Then criterion GOV-3 is met
    And criterion SAP-1 is not met
    And the place is not compliant

  @GOV-7
  Scenario: Clear, written governance and relationships with the ICS and the council
    When its arrangements are assessed on 30 September 2023
    Then criterion GOV-7 is met

  @GOV-7
  Scenario Outline: Governance that is not written down (every model, every place)
    Given the place uses the <model> model
    And <what is missing>
    When its arrangements are assessed on 30 September 2023
    Then criterion GOV-7 is not met
    And the explanation names "<named>"
    And the place is not compliant

    Examples:
      | model       | what is missing                                              | named                                |
      | place board | the place has not documented its relationship with the ICS   | the relationship with the ICS        |
      | place board | the place has not documented its relationship with its councils | the relationship with the council(s) |
      | alliance    | the place has no written decision-making structure           | the decision-making structure        |

  @GOV-7
  Scenario: A single-place system still needs written governance (decision AMB-2)
    Given its system has 1 place
    And the place has not documented its relationship with the ICS
    When its arrangements are assessed on 30 September 2023
    Then criterion GOV-7 is not met
