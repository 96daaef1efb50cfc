@good-practice
Feature: Good practice in place governance, outcomes, finance and digital
  Beyond the national expectations, the briefings and guidance behind the white paper describe
  good practice: how the accountable person fits existing accountabilities, who the place
  partnership brings in, how risk and disagreement are written down, how money and outcomes are
  linked, and how far information is shared. These criteria are advice ("should"): a place that
  misses one is told so, but stays compliant. Most of them read optional facts that a place may
  add to its declaration (docs/declaration-format.md, "good_practice").

  Background:
    Given a place that follows every good practice

  @SAP-6 @GOV-8 @DEC-2 @RISK-2 @RISK-3 @RISK-4 @DISP-3 @HWB-1 @HWB-2 @FOOT-1 @FOOT-4 @LG-6 @CHK-AG-3 @ENG-3 @CHK-CC-0 @OUT-8 @OUT-10 @OUT-11 @CHK-PH-2 @POOL-3 @FIN-2 @FIN-8 @DIG-4 @DIG-9 @DIG-15 @DIG-17
  Scenario Outline: A place that follows every good practice meets <criterion>
    When its arrangements are assessed on 30 September 2023
    Then criterion <criterion> is met

    Examples:
      | criterion | what it asks                                                              |
      | SAP-6     | the accountable person leaves statutory accountabilities unchanged        |
      | GOV-8     | the scheme of delegation was worked through with the partners             |
      | DEC-2     | contentious issues and the place/system split are written down            |
      | RISK-2    | a formal risk-share agreement covers the shared budgets                   |
      | RISK-3    | written protocols for risk and decisions                                  |
      | RISK-4    | the plans address the five common risks of integration                 |
      | DISP-3    | a written protocol for disagreements                                      |
      | HWB-1     | the arrangement builds on the health and wellbeing board                  |
      | HWB-2     | the footprint matches a health and wellbeing board                        |
      | FOOT-1    | local partners agreed the footprint                                       |
      | FOOT-4    | the typical partners of a place are in the partnership                    |
      | LG-6      | elected members sit on the board                                          |
      | CHK-AG-3  | clinical and professional members sit on the board                        |
      | ENG-3     | people who use services and carers have a voice                           |
      | CHK-CC-0  | relationships reviewed and a collaborative culture built                  |
      | OUT-8     | an outcome tackles health inequalities                                    |
      | OUT-10    | local outcomes rest on evidence of need                                   |
      | OUT-11    | every budget line is linked to an outcome                                 |
      | CHK-PH-2  | public health is a partner                                                |
      | POOL-3    | the pooled and aligned share does not fall                                |
      | FIN-2     | a place-level financial framework                                         |
      | FIN-8     | the system is financially balanced                                        |
      | DIG-4     | every organisation reaches the digital base level                         |
      | DIG-9     | the shared care record covers adult and children's services               |
      | DIG-15    | information reaches primary, community, mental health, social and acute care |
      | DIG-17    | information sharing includes the voluntary and independent sectors        |

  # ------------------------------------------------------------- accountability and governance

  @SAP-6
  Scenario: The accountable person's role changes a statutory accountability
    Given the declaration states "good_practice.sap_accountability.statutory_accountabilities_unchanged" is false
    When its arrangements are assessed on 30 September 2023
    Then criterion SAP-6 is not met
    And the place is compliant

  @GOV-8
  Scenario: The provider collaborative was left out of the scheme of delegation
    Given the scheme of delegation was agreed by the ICB and "Northshire County Council"
    When its arrangements are assessed on 30 September 2023
    Then criterion GOV-8 is not met
    And the explanation names "Northshire and Coast Acute Provider Collaborative"

  @GOV-10
  Scenario: A place inside one system has no cross-boundary issues to resolve
    When its arrangements are assessed on 30 September 2023
    Then criterion GOV-10 is not applicable

  @GOV-10
  Scenario Outline: A place that straddles two systems (decision AMB-21)
    Given the declaration states "place.crosses_system_boundary" is true
    And the declaration states "good_practice.cross_boundary.other_icbs" is [NHS Fenland Integrated Care Board]
    And the declaration states "good_practice.cross_boundary.arrangements_documented" is true
    And its accountable person was agreed by <parties>
    When its arrangements are assessed on 30 September 2023
    Then criterion GOV-10 is <outcome>

    Examples:
      | parties                                                                      | outcome |
      | the ICB, "Northshire County Council" and "NHS Fenland Integrated Care Board"  | met     |
      | the ICB and "Northshire County Council"                                      | not met |

  @DEC-2
  Scenario: No written process for contentious decisions
    Given the declaration states "governance.decision_making.contentious_issues_process" is false
    When its arrangements are assessed on 30 September 2023
    Then criterion DEC-2 is not met

  @RISK-2
  Scenario: A joint risk register is not a formal risk-sharing arrangement
    Given the declaration states "risk_management.mechanism" is joint_risk_register
    When its arrangements are assessed on 30 September 2023
    Then criterion RISK-2 is not met
    And criterion RISK-3 is met

  @RISK-2 @RISK-3 @DISP-3
  Scenario Outline: Without written mechanisms there are no written protocols
    Given the place has no <mechanism>
    When its arrangements are assessed on 30 September 2023
    Then criterion <criterion> is not met
    And the place is compliant

    Examples:
      | mechanism                          | criterion |
      | risk management mechanism          | RISK-2    |
      | risk management mechanism          | RISK-3    |
      | disagreement resolution mechanism  | DISP-3    |

  @RISK-4
  Scenario: The plans leave out one of the five common risks of integration
    Given the plans do not address the risk of integration fatigue
    When its arrangements are assessed on 30 September 2023
    Then criterion RISK-4 is not met
    And the explanation names "integration fatigue"

  @HWB-1
  Scenario Outline: Building on the health and wellbeing board, or saying why not (decision AMB-23)
    Given the declaration states "governance.builds_on" is []
    And the declaration states "good_practice.hwb_not_used_reason" is <reason>
    When its arrangements are assessed on 30 September 2023
    Then criterion HWB-1 is <outcome>

    Examples:
      | reason                                                    | outcome |
      | The board covers two places; each place has its own forum | met     |
      | null                                                      | not met |

  @HWB-1
  Scenario Outline: The health and wellbeing board however it is written
    Given the declaration states "governance.builds_on" is [<name>]
    When its arrangements are assessed on 30 September 2023
    Then criterion HWB-1 is met

    Examples:
      | name                          |
      | Health & Wellbeing Board      |
      | health and wellbeing board    |
      | HWB                           |

  @HWB-2
  Scenario: A footprint drawn otherwise than on a health and wellbeing board
    Given the declaration states "place.footprint" is other
    When its arrangements are assessed on 30 September 2023
    Then criterion HWB-2 is not met

  @FOOT-1
  Scenario: The county council has not agreed the place's footprint (decision AMB-20)
    Given the declaration states "good_practice.footprint_agreed_by" is [NHS Northshire and Coast Integrated Care Board]
    When its arrangements are assessed on 30 September 2023
    Then criterion FOOT-1 is not met
    And the explanation names "Northshire County Council"

  @FOOT-4
  Scenario Outline: The typical partners of a place
    Given no <kind> is among the place's partners
    When its arrangements are assessed on 30 September 2023
    Then criterion FOOT-4 is not met

    Examples:
      | kind                                |
      | housing organisation                |
      | voluntary or community organisation |
      | primary care network                |

  @LG-1
  Scenario: In a unitary or county-only place there are no districts to engage
    When its arrangements are assessed on 30 September 2023
    Then criterion LG-1 is not applicable

  @LG-1
  Scenario: County and district councils both engaged, at place and in the ICP
    Given the place's councils are:
      | name                             | tier  |
      | Northshire County Council        | upper |
      | Northshire Vale District Council | lower |
    And the councils are partners of the place and sit on the integrated care partnership
    When its arrangements are assessed on 30 September 2023
    Then criterion LG-1 is met

  @LG-1
  Scenario: The district council is not on the integrated care partnership
    Given the place's councils are:
      | name                             | tier  |
      | Northshire County Council        | upper |
      | Northshire Vale District Council | lower |
    And the councils are partners of the place and sit on the integrated care partnership
    But "Northshire Vale District Council" does not sit on the integrated care partnership
    When its arrangements are assessed on 30 September 2023
    Then criterion LG-1 is not met
    And the explanation names "Northshire Vale District Council"

  @LG-6 @CHK-AG-3
  Scenario Outline: Who sits on the place board
    Given the place board has 0 <seats>
    When its arrangements are assessed on 30 September 2023
    Then criterion <criterion> is not met

    Examples:
      | seats                               | criterion |
      | elected members                     | LG-6      |
      | clinical and professional members   | CHK-AG-3  |

  @ENG-3
  Scenario: No seat for people who use services, but Healthwatch is a partner
    Given the place board has 0 members who use services or are carers
    When its arrangements are assessed on 30 September 2023
    Then criterion ENG-3 is met

  @ENG-3
  Scenario: No seat for people who use services, and no Healthwatch
    Given the place board has 0 members who use services or are carers
    And no Healthwatch is among the place's partners
    When its arrangements are assessed on 30 September 2023
    Then criterion ENG-3 is not met

  @CHK-CC-0
  Scenario: The partners have not reviewed their relationships
    Given the declaration states "good_practice.collaborative_culture.relationships_reviewed" is false
    When its arrangements are assessed on 30 September 2023
    Then criterion CHK-CC-0 is not met

  # ------------------------------------------------------------- outcomes

  @OUT-8
  Scenario: No shared outcome is about health inequalities
    Given no shared outcome tackles health inequalities
    When its arrangements are assessed on 30 September 2023
    Then criterion OUT-8 is not met
    And the place is compliant

  @OUT-10
  Scenario: Local outcomes without evidence of local need
    Given the local priority outcomes cite no evidence of local need
    When its arrangements are assessed on 30 September 2023
    Then criterion OUT-10 is not met
    And the explanation names "Healthy life expectancy gap between wards narrows"

  @OUT-11
  Scenario: Budget lines not linked to any shared outcome
    Given no budget line underpins a shared outcome
    When its arrangements are assessed on 30 September 2023
    Then criterion OUT-11 is not met

  @CHK-PH-2
  Scenario: Public health is not among the partners
    Given no public health team is among the place's partners
    When its arrangements are assessed on 30 September 2023
    Then criterion CHK-PH-2 is not met

  # ------------------------------------------------------------- finance

  @POOL-3
  Scenario Outline: The pooled and aligned share of place spend from one year to the next
    Given in 2022/23 the place pooled £52m and aligned £40m of £610m spent at place
    And in 2023/24 the place pooled <pooled> and aligned £55m of £640m spent at place
    When its arrangements are assessed on 30 September 2023
    Then criterion POOL-3 is <outcome>

    Examples:
      | pooled | outcome | share in 2023/24         |
      | £72m   | met     | 19.8%, up from 15.1%     |
      | £42m   | met     | 15.2%, about the same    |
      | £20m   | not met | 11.7%, down from 15.1%   |

  @FIN-2
  Scenario: Delegation to place without a place-level financial framework
    Given the declaration states "good_practice.place_financial_framework" is false
    When its arrangements are assessed on 30 September 2023
    Then criterion FIN-2 is not met

  @FIN-8
  Scenario: The system plans a deficit
    Given the declaration states "good_practice.system_financial_position.net_position" is -12000000
    When its arrangements are assessed on 30 September 2023
    Then criterion FIN-8 is not met
    And the place is compliant

  @FIN-8
  Scenario Outline: The position must be for the current or the previous financial year
    Given the declaration states "good_practice.system_financial_position.year" is <year>
    When its arrangements are assessed on 30 September 2023
    Then criterion FIN-8 is <outcome>

    Examples:
      | year    | outcome |
      | 2023/24 | met     |
      | 2022/23 | met     |
      | 2021/22 | not met |
      | 2019/20 | not met |

  # ------------------------------------------------------------- digital

  @DIG-4
  Scenario: One organisation of the system is below the digital base level
    Given the declaration states "good_practice.digital.organisations_at_base_level" is 11
    When its arrangements are assessed on 30 September 2023
    Then criterion DIG-4 is not met

  @DIG-9
  Scenario: The shared care record does not cover children's services
    Given the declaration states "good_practice.digital.shared_care_record_covers_adult_and_childrens_services" is false
    When its arrangements are assessed on 30 September 2023
    Then criterion DIG-9 is not met

  @DIG-15 @DIG-17
  Scenario Outline: Which sectors shared information reaches
    Given the declaration states "good_practice.digital.information_sharing_sectors" is [<sectors>]
    When its arrangements are assessed on 30 September 2023
    Then criterion DIG-15 is <core>
    And criterion DIG-17 is <wider>

    Examples:
      | sectors                                                                 | core    | wider   |
      | primary_care, community_health, mental_health, social_care, acute       | met     | not met |
      | primary_care, community_health, mental_health, acute, vcse, independent | not met | met     |
